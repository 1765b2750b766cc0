#include "models/lenet.hpp"

#include "framework/layers/nn.hpp"
#include "framework/layers/pooling.hpp"

namespace lskd::models {

LeNet::LeNet(Rng& rng, const InputShape& input, std::int64_t num_classes) {
    body_ = register_module("features", std::make_shared<nn::Sequential>());
    body_->append("conv1", std::make_shared<nn::Conv2d>(rng, input.channels, 32, 5, 1, 2));
    body_->append("relu1", std::make_shared<nn::ReLU>());
    body_->append("pool1", std::make_shared<nn::MaxPool2d>(2, 2, 0));
    body_->append("conv2", std::make_shared<nn::Conv2d>(rng, 32, 64, 5, 1, 2));
    body_->append("relu2", std::make_shared<nn::ReLU>());
    body_->append("pool2", std::make_shared<nn::MaxPool2d>(2, 2, 0));
    body_->append("flatten", std::make_shared<nn::Flatten>());
    const std::int64_t flat = (input.height / 4) * (input.width / 4) * 64;
    body_->append("fc", std::make_shared<nn::Linear>(rng, flat, 1024));
    body_->append("relu3", std::make_shared<nn::ReLU>());
    set_head(std::make_shared<nn::Linear>(rng, 1024, num_classes));
}

Variable LeNet::features(const Variable& x) {
    if (nn::inference_mode(*this)) return inference_.run(*body_, x);
    return body_->forward(x);
}

}  // namespace lskd::models
