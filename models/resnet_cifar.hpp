// CIFAR ResNets (He et al. 2016, §4.2): conv3×3-16, BN, ReLU, then three stages of n basic blocks with
// 16, 32 and 64 channels (stride 2 entering stages 2 and 3), global average pool, fc-K: depth 6n + 2
// (resnet-20/32/56 for n = 3/5/9). Where a block changes shape its shortcut is a 1×1 convolution with batch
// norm (option B), since lskd has no zero-padding shortcut op. Penultimate: the 64 pooled features.
#pragma once
#include <array>
#include <memory>

#include "framework/core/random.hpp"
#include "framework/layers/batch_norm.hpp"
#include "framework/layers/fusion_plan.hpp"
#include "framework/layers/inference.hpp"
#include "framework/layers/relu.hpp"
#include "framework/layers/sequential.hpp"
#include "models/classifier.hpp"
#include "models/model_registry.hpp"

namespace lskd::models {

// relu(main(x) + shortcut(x)) with main = conv1, bn1, ReLU, conv2, bn2, run as nn::plan_residual groups them: in
// training bn1 takes its ReLU and the add the final one; in inference conv1+bn1+ReLU is one convolution, and
// conv2+bn2 one whose sum and ReLU post-ops add it onto the shortcut's output (x itself for the identity, written in
// place when x is the only handle on it).
class BasicBlock : public nn::Module, public nn::InferenceModule {
public:
    BasicBlock(Rng& rng, std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride);
    Variable forward(const Variable& x) override;
    Tensor infer(Tensor x) override;

private:
    std::array<nn::Module*, 5> main_path() const;

    std::shared_ptr<nn::Conv2d> conv1_, conv2_;
    std::shared_ptr<nn::BatchNorm2d> bn1_, bn2_;
    std::shared_ptr<nn::Sequential> shortcut_;  // null for the identity
    std::shared_ptr<nn::ReLU> relu_;
    nn::ResidualPlan plan_;  // graph mode, made at the first forward and again when fusions are switched
    bool planned_fused_ = false;
    std::unique_ptr<nn::InferenceSteps> main_inference_;  // made at the first infer()
    nn::SequentialInference shortcut_inference_;
};

class ResNetCifar : public Classifier {
public:
    ResNetCifar(Rng& rng, const InputShape& input, std::int64_t blocks_per_stage, std::int64_t num_classes);
};

}  // namespace lskd::models
