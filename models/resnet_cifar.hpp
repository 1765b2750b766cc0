// CIFAR ResNets (He et al. 2016, §4.2): conv3×3-16, BN, ReLU, then three stages of n basic blocks with
// 16, 32 and 64 channels (stride 2 entering stages 2 and 3), global average pool, fc-K: depth 6n + 2
// (resnet-20/32/56 for n = 3/5/9). Where a block changes shape its shortcut is a 1×1 convolution with batch
// norm (option B), since lskd has no zero-padding shortcut op. Penultimate: the 64 pooled features. The blocks are
// models/resnet_blocks.hpp's BasicBlock.
#pragma once
#include "framework/core/random.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"

namespace lskd::models {

class ResNetCifar : public Classifier {
public:
    ResNetCifar(Rng& rng, const InputShape& input, std::int64_t blocks_per_stage, std::int64_t num_classes);
};

}  // namespace lskd::models
