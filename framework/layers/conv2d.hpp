// nn::Conv2d: 2-D convolution of NHWC input with an OIHW weight [out, in, k, k] and bias [out], both
// initialised as PyTorch's default (U(±1/√(in·k·k))) from the given Rng.
#pragma once
#include <cstdint>

#include "framework/core/random.hpp"
#include "framework/layers/module.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

class Conv2d : public Module {
public:
    Conv2d(Rng& rng, std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel, std::int64_t stride = 1,
           std::int64_t padding = 0, bool bias = true);

    // x NHWC [N, H, W, in] → NHWC [N, H', W', out].
    Variable forward(const Variable& x) override;
    // Inside the convolution; bf16 activations under bf16 compute precision (fusion_plan.hpp).
    ops::PostOps fusable_post_ops() const override { return {.relu = true, .bf16 = {.input = true, .output = true}}; }
    Variable forward_with(const Variable& x, const ops::PostOps& post) override;

    Variable weight() const { return weight_; }  // a handle on the parameter itself
    Variable bias() const { return bias_; }      // undefined without a bias
    std::int64_t stride() const { return stride_; }
    std::int64_t padding() const { return padding_; }
    ops::Conv2dOptions options() const { return {.stride = stride_, .padding = padding_}; }

private:
    Variable weight_;
    Variable bias_;
    std::int64_t stride_;
    std::int64_t padding_;
};

}  // namespace lskd::nn
