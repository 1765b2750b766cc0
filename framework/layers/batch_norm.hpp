// nn::BatchNorm2d: batch normalisation over the channel (last) dimension of NHWC or [N, C] input, with
// weight 1, bias 0 and running mean 0 / variance 1 buffers, as PyTorch's BatchNorm2d/1d.
#pragma once
#include <cstdint>

#include "framework/layers/module.hpp"

namespace lskd::nn {

class BatchNorm2d : public Module {
public:
    // momentum weighs the new batch statistic in the running averages (PyTorch's convention).
    explicit BatchNorm2d(std::int64_t channels, float eps = 1e-5f, float momentum = 0.1f);

    // Training mode normalises with batch statistics and updates the running buffers; evaluation mode
    // uses the buffers.
    Variable forward(const Variable& x) override;
    // Inside the batch-norm primitives; bf16 activations under bf16 compute precision (fusion_plan.hpp).
    ops::PostOps fusable_post_ops() const override { return {.relu = true, .bf16 = {.input = true, .output = true}}; }
    Variable forward_with(const Variable& x, const ops::PostOps& post) override;

    Variable weight() const { return weight_; }  // a handle on the parameter itself
    Variable bias() const { return bias_; }
    const Tensor& running_mean() const { return *running_mean_; }
    const Tensor& running_var() const { return *running_var_; }
    float eps() const { return eps_; }

private:
    Variable weight_;
    Variable bias_;
    Tensor* running_mean_;  // the registered buffers, which the op updates in place
    Tensor* running_var_;
    float eps_;
    float momentum_;
};

}  // namespace lskd::nn
