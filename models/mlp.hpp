// Fully connected ReLU network on flattened images: in → hidden... → K (Hinton's and the paper's MNIST
// teacher 784-1200-1200-K and student 784-800-800-K). Dropout, when p > 0, follows every hidden ReLU.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/core/random.hpp"
#include "models/classifier.hpp"

namespace lskd::models {

class Mlp : public Classifier {
public:
    Mlp(Rng& rng, std::int64_t inputs, const std::vector<std::int64_t>& hidden, std::int64_t num_classes,
        double dropout, std::uint64_t seed);
};

}  // namespace lskd::models
