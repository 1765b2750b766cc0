// The residual blocks of He et al.'s ResNets, as torchvision builds them: BasicBlock (two 3×3 convolutions) and
// Bottleneck (1×1, 3×3 carrying the stride, 1×1 to 4× the width: "ResNet V1.5"); both out = relu(main(x) +
// shortcut(x)), the shortcut a 1×1 convolution with batch norm where the block changes shape, else x itself.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "framework/core/random.hpp"
#include "framework/layers/batch_norm.hpp"
#include "framework/layers/conv2d.hpp"
#include "framework/layers/fusion_plan.hpp"
#include "framework/layers/inference.hpp"
#include "framework/layers/relu.hpp"
#include "framework/layers/sequential.hpp"

namespace lskd::models {

// A bias-free k×k convolution with padding k/2, initialised kaiming_normal (fan_out, ReLU) as torchvision's ResNets.
std::shared_ptr<nn::Conv2d> kaiming_conv(Rng& rng, std::int64_t in, std::int64_t out, std::int64_t k,
                                         std::int64_t stride);

// relu(main(x) + shortcut(x)), run as nn::plan_residual groups the main path: in training each batch norm before a
// ReLU takes it and the add the final one; in inference each convolution folds its batch norm (and ReLU), and the last
// one's sum and ReLU post-ops add it onto the shortcut's output (x itself for the identity, written in place when x
// is the only handle on it). Subclasses register their layers, then call finish().
class ResidualBlock : public nn::Module, public nn::InferenceModule {
public:
    Variable forward(const Variable& x) override { return forward_with(x, {}); }
    // Under bf16 compute precision the block reads and writes bf16 activations where the plan of the chain it is in
    // says so (fusion_plan.hpp), and keeps its own main path and shortcut bf16 inside.
    ops::PostOps fusable_post_ops() const override { return {.bf16 = {.input = true, .output = true}}; }
    Variable forward_with(const Variable& x, const ops::PostOps& post) override;
    Tensor infer(Tensor x) override;

protected:
    // Registers the main path's layers' successor: the shortcut under `shortcut_name` when stride != 1 or the
    // channel count changes, then the block's ReLU (registered last, so the parameters keep their order; it has none).
    // `main` is the main path in order, with relu() wherever a ReLU runs.
    void finish(Rng& rng, std::vector<nn::Module*> main, const std::string& shortcut_name, std::int64_t in_channels,
                std::int64_t out_channels, std::int64_t stride);
    nn::ReLU* relu() const { return relu_.get(); }

private:
    std::vector<nn::Module*> main_;
    std::shared_ptr<nn::Sequential> shortcut_;  // null for the identity
    std::shared_ptr<nn::ReLU> relu_ = std::make_shared<nn::ReLU>();
    // The graph-mode plans of the main path and of the shortcut (empty for the identity), made at the first forward
    // and again when their key or the block's bf16 ends change.
    void plan(ops::Bf16Io io);
    nn::ResidualPlan plan_;
    std::vector<nn::FusedStep> shortcut_plan_;
    nn::PlanKey planned_key_{};
    ops::Bf16Io planned_io_{};
    std::unique_ptr<nn::InferenceSteps> main_inference_;  // made at the first infer()
    nn::SequentialInference shortcut_inference_;
};

// conv1 3×3 (stride), bn1, ReLU, conv2 3×3, bn2.
class BasicBlock : public ResidualBlock {
public:
    // CIFAR ResNets name the shortcut "shortcut", torchvision's "downsample".
    BasicBlock(Rng& rng, std::int64_t in_channels, std::int64_t out_channels, std::int64_t stride,
               const std::string& shortcut_name = "shortcut");
};

// conv1 1×1 to `width`, bn1, ReLU, conv2 3×3 (stride), bn2, ReLU, conv3 1×1 to 4·width, bn3; shortcut "downsample".
class Bottleneck : public ResidualBlock {
public:
    static constexpr std::int64_t kExpansion = 4;
    Bottleneck(Rng& rng, std::int64_t in_channels, std::int64_t width, std::int64_t stride);
};

}  // namespace lskd::models
