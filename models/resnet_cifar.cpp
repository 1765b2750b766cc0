#include "models/resnet_cifar.hpp"

#include <string>

#include "framework/layers/nn.hpp"
#include "models/resnet_blocks.hpp"

namespace lskd::models {

ResNetCifar::ResNetCifar(Rng& rng, const InputShape& input, std::int64_t blocks_per_stage, std::int64_t num_classes) {
    body().append("conv1", kaiming_conv(rng, input.channels, 16, 3, 1));
    body().append("bn1", std::make_shared<nn::BatchNorm2d>(16));
    body().append("relu1", std::make_shared<nn::ReLU>());
    std::int64_t channels = 16;
    for (int stage = 0; stage < 3; ++stage) {
        const std::int64_t width = 16 << stage;
        for (std::int64_t b = 0; b < blocks_per_stage; ++b) {
            const std::int64_t stride = (stage > 0 && b == 0) ? 2 : 1;
            body().append("stage" + std::to_string(stage + 1) + "_block" + std::to_string(b + 1),
                          std::make_shared<BasicBlock>(rng, channels, width, stride));
            channels = width;
        }
    }
    body().append("pool", std::make_shared<nn::GlobalAvgPool>());
    set_head(std::make_shared<nn::Linear>(rng, 64, num_classes));
}

}  // namespace lskd::models
