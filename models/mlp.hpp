// Fully connected ReLU network on flattened images: in → hidden... → K (Hinton's and the paper's MNIST
// teacher 784-1200-1200-K and student 784-800-800-K). Dropout, when p > 0, follows every hidden ReLU.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/core/random.hpp"
#include "framework/layers/inference.hpp"
#include "framework/layers/sequential.hpp"
#include "models/classifier.hpp"

namespace lskd::models {

class Mlp : public Classifier {
public:
    Mlp(Rng& rng, std::int64_t inputs, const std::vector<std::int64_t>& hidden, std::int64_t num_classes,
        double dropout, std::uint64_t seed);
    Variable features(const Variable& x) override;

private:
    std::shared_ptr<nn::Sequential> body_;
    nn::SequentialInference inference_;  // the fused pass in eval mode without a graph
};

}  // namespace lskd::models
