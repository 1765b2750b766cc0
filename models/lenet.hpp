// LeNet-style CNN: conv5×5-32 (same padding), ReLU, max-pool 2, conv5×5-64 (same), ReLU, max-pool 2,
// fc-1024, ReLU, fc-K. The penultimate activations are the 1024 fc outputs.
#pragma once
#include <memory>

#include "framework/core/random.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"

namespace lskd::models {

class LeNet : public Classifier {
public:
    LeNet(Rng& rng, const InputShape& input, std::int64_t num_classes);
};

}  // namespace lskd::models
