// The CIFAR-10 "AlexNet" of TensorFlow's tutorial, the paper's student: conv5×5-64, ReLU, max-pool 3/2,
// conv5×5-64, ReLU, max-pool 3/2, fc-384, ReLU, fc-192, ReLU, fc-K (same padding throughout). The
// tutorial's local response normalisations are left out (lskd has no LRN op; they barely change accuracy
// and the paper's findings do not rest on them). Penultimate activations: the 192 fc outputs.
#pragma once
#include <memory>

#include "framework/core/random.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"

namespace lskd::models {

class AlexNetCifar : public Classifier {
public:
    AlexNetCifar(Rng& rng, const InputShape& input, std::int64_t num_classes);
};

}  // namespace lskd::models
