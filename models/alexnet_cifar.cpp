#include "models/alexnet_cifar.hpp"

#include "framework/layers/nn.hpp"
#include "framework/layers/pooling.hpp"

namespace lskd::models {
namespace {
// Output size of a 3/2 max-pool with padding 1 ("same"): ceil(n / 2).
std::int64_t pooled(std::int64_t n) { return (n + 2 - 3) / 2 + 1; }
}  // namespace

AlexNetCifar::AlexNetCifar(Rng& rng, const InputShape& input, std::int64_t num_classes) {
    body().append("conv1", std::make_shared<nn::Conv2d>(rng, input.channels, 64, 5, 1, 2));
    body().append("relu1", std::make_shared<nn::ReLU>());
    body().append("pool1", std::make_shared<nn::MaxPool2d>(3, 2, 1));
    body().append("conv2", std::make_shared<nn::Conv2d>(rng, 64, 64, 5, 1, 2));
    body().append("relu2", std::make_shared<nn::ReLU>());
    body().append("pool2", std::make_shared<nn::MaxPool2d>(3, 2, 1));
    body().append("flatten", std::make_shared<nn::Flatten>());
    const std::int64_t flat = pooled(pooled(input.height)) * pooled(pooled(input.width)) * 64;
    body().append("fc1", std::make_shared<nn::Linear>(rng, flat, 384));
    body().append("relu3", std::make_shared<nn::ReLU>());
    body().append("fc2", std::make_shared<nn::Linear>(rng, 384, 192));
    body().append("relu4", std::make_shared<nn::ReLU>());
    set_head(std::make_shared<nn::Linear>(rng, 192, num_classes));
}

}  // namespace lskd::models
