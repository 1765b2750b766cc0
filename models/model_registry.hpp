// Builds a model by its command-line name for an input shape and class count, with weights drawn from
// the seed: mlp-1200, mlp-800, mlp (hidden sizes given), lenet, alexnet-cifar, resnet-20/32/56.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/classifier.hpp"

namespace lskd::models {

struct InputShape {
    std::int64_t height = 28;
    std::int64_t width = 28;
    std::int64_t channels = 1;
};

struct ModelOptions {
    std::vector<std::int64_t> hidden;  // model "mlp" only
    double dropout = 0.0;              // mlp models: before each hidden-to-next layer
};

std::shared_ptr<Classifier> make_model(const std::string& name, const InputShape& input, std::int64_t num_classes,
                                       std::uint64_t seed, const ModelOptions& options = {});
const std::vector<std::string>& model_names();

}  // namespace lskd::models
