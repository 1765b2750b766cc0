// The evaluation-mode forward pass of a model, fused as the fusion plan says (fusion_plan.hpp, FusionMode::inference):
// in eval mode without a graph, a convolution with the batch norm (and ReLU) after it runs as one convolution with
// folded weights, a linear layer with its ReLU as one inner product, and a residual block's add and ReLU as post-ops
// of its last convolution. The folded weights are recomputed only when a source parameter or buffer changes (its
// storage or version), so after warm-up an inference pass creates no primitive and draws only pooled buffers.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/layers/batch_norm.hpp"
#include "framework/layers/conv2d.hpp"
#include "framework/layers/fusion_plan.hpp"
#include "framework/layers/linear.hpp"
#include "framework/layers/sequential.hpp"
#include "framework/ops/fused_inference.hpp"

namespace lskd::nn {

// Whether `m` runs its fused inference path: eval mode with grad mode off (NoGradGuard), fusions enabled (no
// UnfusedGuard). Eval mode with grad mode on keeps the differentiable ops, so gradients through an eval-mode model
// still exist.
bool inference_mode(const Module& m);

// A module with a fused inference path of its own, which InferenceSteps call instead of forward().
// It may write into x's storage when x is the only handle on it (x.unique()), and returns its output.
class InferenceModule {
public:
    virtual Tensor infer(Tensor x) = 0;

protected:
    ~InferenceModule() = default;
};

// conv, then optionally batch norm (eval mode), then optionally the residual sum and ReLU, as one convolution
// with weights w'[o] = w[o]·s[o] and bias b'[o] = (b[o] − mean[o])·s[o] + β[o], s[o] = γ[o] / √(var[o] + eps)
// (without batch norm w' = w, b' = b, or 0 without a bias). post gives sum and relu; stride and padding are the
// convolution's own. The modules must outlive it.
class FoldedConv {
public:
    FoldedConv(const Conv2d& conv, const BatchNorm2d* bn, ops::PostOps post);

    // x NHWC → a new NHWC output (post.sum off); io as ops::InferenceConv's.
    Tensor run(const Tensor& x, ops::Bf16Io io = {});
    // dst ← relu?(conv(x) + dst) in place (post.sum on): dst holds the residual.
    void run_into(const Tensor& x, Tensor& dst, bool bf16_input = false);

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

// A plan's steps (FusionMode::inference) in their inference form: a convolution, with its folded batch norm and
// post-ops → FoldedConv; a Linear → one inner product with its post-ops; Dropout → nothing (the identity in eval
// mode); an InferenceModule → its infer(); anything else → its forward_with(). Only for inference_mode() callers.
//
// Under bf16 compute precision, a convolution or inner product whose output only feeds another one writes it as bf16,
// which the next one reads as it is (ops::Bf16Io): the values the next op's own conversion would have made, without
// that pass.
class InferenceSteps {
public:
    explicit InferenceSteps(const std::vector<FusedStep>& steps);

    // An activation between steps: f32, or the bf16 output of a convolution or inner product (ops::Bf16Io).
    struct Activation {
        Tensor value;
        bool bf16 = false;
    };

    // Runs steps [0, end) on x; the result is f32.
    Tensor run(Tensor x, std::size_t end);
    Tensor run(Tensor x) { return run(std::move(x), steps_.size()); }
    // Runs steps [0, size() - 1), for run_last_into: the result may be bf16 when the last step can read it so.
    Activation run_all_but_last(Tensor x);
    // The last step, a convolution with the sum post-op: dst ← relu?(conv(x) + dst) in place.
    void run_last_into(const Activation& x, Tensor& dst);
    std::size_t size() const { return steps_.size(); }

private:
    struct Step {
        std::unique_ptr<FoldedConv> conv;
        Variable weight, bias;  // a Linear's parameters (shared with it)
        ops::PostOps post;
        InferenceModule* custom = nullptr;
        Module* other = nullptr;
        // A convolution or inner product: under bf16 precision it can read and write bf16 activations.
        bool weighted() const { return conv != nullptr || weight.defined(); }
    };
    // Runs steps [0, end); the last one writes bf16 when `bf16_out` and it can.
    Activation run_steps(Tensor x, std::size_t end, bool bf16_out);
    Activation run_step(Step& s, Activation x, bool bf16_out);

    std::vector<Step> steps_;
};

// A Sequential's fused inference pass, planned from its children at the first call (and again when it grew).
class SequentialInference {
public:
    Tensor run(Sequential& seq, Tensor x);
    Variable run(Sequential& seq, const Variable& x) { return Variable(run(seq, x.value())); }

private:
    const Sequential* planned_ = nullptr;
    std::size_t planned_size_ = 0;
    std::unique_ptr<InferenceSteps> steps_;
};

}  // namespace lskd::nn
