// The evaluation-mode forward pass of a model, fused: in eval mode without a graph, a convolution with the batch
// norm (and ReLU) after it runs as one convolution with folded weights, a linear layer with its ReLU as one inner
// product, and a residual block's add and ReLU as post-ops of its last convolution. The folded weights are
// recomputed only when a source parameter or buffer changes (its storage or version), so after warm-up an
// inference pass creates no primitive and draws only pooled buffers.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/layers/batch_norm.hpp"
#include "framework/layers/conv2d.hpp"
#include "framework/layers/linear.hpp"
#include "framework/layers/sequential.hpp"
#include "framework/ops/fused_inference.hpp"

namespace lskd::nn {

// Whether `m` runs its fused inference path: eval mode with grad mode off (NoGradGuard). Eval mode with grad
// mode on keeps the differentiable ops, so gradients through an eval-mode model still exist.
bool inference_mode(const Module& m);

// A module with a fused inference path of its own, which a SequentialInference calls instead of forward().
// It may write into x's storage when x is the only handle on it (x.unique()), and returns its output.
class InferenceModule {
public:
    virtual Tensor infer(Tensor x) = 0;

protected:
    ~InferenceModule() = default;
};

// conv, then optionally batch norm (eval mode), then optionally the residual sum and ReLU, as one convolution
// with weights w'[o] = w[o]·s[o] and bias b'[o] = (b[o] − mean[o])·s[o] + β[o], s[o] = γ[o] / √(var[o] + eps)
// (without batch norm w' = w, b' = b, or 0 without a bias). post_ops gives sum and relu; stride and padding are the
// convolution's own. The modules must outlive it.
class FoldedConv {
public:
    FoldedConv(const Conv2d& conv, const BatchNorm2d* bn, ops::ConvFusion post_ops);

    // x NHWC → a new NHWC output (post_ops.sum off).
    Tensor run(const Tensor& x);
    // dst ← relu?(conv(x) + dst) in place (post_ops.sum on): dst holds the residual.
    void run_into(const Tensor& x, Tensor& dst);

    // Times the weights were folded, for tests.
    std::uint64_t folds() const { return folds_; }

private:
    // The storage and version of each source tensor: a fold is current while all six are unchanged.
    struct Stamp {
        const float* data = nullptr;
        std::uint64_t version = 0;
        friend bool operator==(const Stamp&, const Stamp&) = default;
    };
    std::array<Stamp, 6> stamps() const;
    void refresh();

    const Conv2d& conv_;
    const BatchNorm2d* bn_;
    ops::InferenceConv op_;
    std::array<Stamp, 6> folded_from_{};
    std::uint64_t folds_ = 0;
};

// A Sequential's fused inference pass, planned from its children at the first call: Conv2d [BatchNorm2d] [ReLU]
// → FoldedConv; Linear [ReLU] → one inner product; Dropout → nothing (the identity in eval mode); an
// InferenceModule → its infer(); anything else → its forward(). Only for inference_mode() callers.
class SequentialInference {
public:
    Tensor run(Sequential& seq, Tensor x);
    Variable run(Sequential& seq, const Variable& x) { return Variable(run(seq, x.value())); }

private:
    struct Step {
        std::unique_ptr<FoldedConv> conv;
        Variable weight, bias;  // a Linear's parameters (shared with it)
        bool relu = false;
        InferenceModule* custom = nullptr;
        Module* other = nullptr;
    };
    void plan(Sequential& seq);

    const Sequential* planned_ = nullptr;
    std::vector<Step> steps_;
};

}  // namespace lskd::nn
