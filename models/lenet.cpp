#include "models/lenet.hpp"

#include "framework/layers/nn.hpp"
#include "framework/layers/pooling.hpp"

namespace lskd::models {

LeNet::LeNet(Rng& rng, const InputShape& input, std::int64_t num_classes) {
    body().append("conv1", std::make_shared<nn::Conv2d>(rng, input.channels, 32, 5, 1, 2));
    body().append("relu1", std::make_shared<nn::ReLU>());
    body().append("pool1", std::make_shared<nn::MaxPool2d>(2, 2, 0));
    body().append("conv2", std::make_shared<nn::Conv2d>(rng, 32, 64, 5, 1, 2));
    body().append("relu2", std::make_shared<nn::ReLU>());
    body().append("pool2", std::make_shared<nn::MaxPool2d>(2, 2, 0));
    body().append("flatten", std::make_shared<nn::Flatten>());
    const std::int64_t flat = (input.height / 4) * (input.width / 4) * 64;
    body().append("fc", std::make_shared<nn::Linear>(rng, flat, 1024));
    body().append("relu3", std::make_shared<nn::ReLU>());
    set_head(std::make_shared<nn::Linear>(rng, 1024, num_classes));
}

}  // namespace lskd::models
