// torchvision's ImageNet ResNets ("V1.5"): conv7×7/2-64, BN, ReLU, max-pool 3×3/2 pad 1, then layer1..layer4 of
// residual blocks with 64, 128, 256 and 512 base channels (stride 2 entering layer2..4), global average pool, fc-K.
// resnet-18: 2, 2, 2, 2 BasicBlocks; resnet-50: 3, 4, 6, 3 Bottlenecks (4× wider outputs). Parameters and buffers
// carry torchvision's state_dict names (conv1.weight, layer1.0.downsample.1.running_var, fc.bias), so a
// torchvision state_dict loads as it is. The net downsamples by 32. Penultimate: the 512 (resnet-50: 2048) pooled
// features.
#pragma once
#include <array>
#include <cstdint>

#include "framework/core/random.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"
#include "models/resnet_blocks.hpp"

namespace lskd::models {

struct ResNetImageNetLayout {
    std::array<std::int64_t, 4> blocks;  // per layer
    bool bottleneck;
    std::int64_t expansion() const {
        return bottleneck ? Bottleneck::kExpansion : 1;
    }  // a block's output channels per base channel
};

inline constexpr std::int64_t kResNetStemChannels = 64;

inline constexpr ResNetImageNetLayout kResNet18{{2, 2, 2, 2}, false};
inline constexpr ResNetImageNetLayout kResNet50{{3, 4, 6, 3}, true};

class ResNetImageNet : public Classifier {
public:
    ResNetImageNet(Rng& rng, const InputShape& input, const ResNetImageNetLayout& layout, std::int64_t num_classes);
};

}  // namespace lskd::models
