// Inference-only fused kernels (forward_inference primitives, no graph): a convolution whose bias, residual sum
// and ReLU run inside one oneDNN primitive as post-ops, and an inner product with a ReLU post-op. They take and
// return plain Tensors (NHWC / [N, C]), so evaluation pays for no autograd bookkeeping. Which post-ops run is the
// fusion plan's decision (framework/layers/fusion_plan.hpp).
#pragma once
#include <cstdint>
#include <span>

#include "framework/autograd/variable.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/post_ops.hpp"
#include "framework/tensor/tensor.hpp"

namespace lskd::ops {

// A convolution for inference over weights it owns: the caller writes plain OIHW weights [O, C, kh, kw] through
// weights_for_writing() (which bumps their version) and a bias [O] (folded batch norm, say). Each primitive's
// weight format is made from them once per version (a reorder, when the format is not plain OIHW, counted by
// weight_reorder_count()), so repeated runs reorder nothing; primitives are conv2d's, cached per shape: after
// warm-up a run creates no primitive and draws only pooled buffers.
class InferenceConv {
public:
    InferenceConv(const Shape& weight_shape, Conv2dOptions options, PostOps post);

    std::span<float> weights_for_writing() { return weight_.value().values_in_place(); }
    Tensor& bias() { return bias_; }

    // x NHWC [N, H, W, C] → a new NHWC [N, H', W', O]; only without post.sum.
    Tensor run(const Tensor& x, Bf16Io io = {});
    // dst ← relu?(conv(x) + bias + dst), in place; only with post.sum. dst must be NHWC [N, H', W', O], f32.
    void run_into(const Tensor& x, Tensor& dst, bool bf16_input = false);

private:
    Conv2dOptions options_;
    PostOps post_;
    Variable weight_;  // a Variable for conv2d's per-version weight reorders; never requires grad
    Tensor bias_;
};

// x NHWC convolved with w OIHW at that stride and padding: the output shape, every shape checked (as conv2d).
Shape conv2d_output_shape(const Tensor& x, const Tensor& w, std::int64_t stride, std::int64_t padding);
// dst ← relu?(conv(x, w) + b (+ dst with post.sum)) on conv2d's cached forward_inference primitive, without a
// graph; b [O] or undefined, dst NHWC of conv2d_output_shape. Defined in conv2d.cpp.
void conv2d_inference(const Tensor& x, const Variable& w, const Tensor& b, const Conv2dOptions& options,
                      const PostOps& post, Tensor& dst, Bf16Io io = {});

// relu?(x [N, in] · wᵀ + b) as one inner product (post-op relu: eltwise) → a new [N, out]. w [out, in] plain,
// b [out] or undefined. Defined in linear.cpp: it runs linear's cached inference primitive, without a graph.
Tensor linear_inference(const Tensor& x, const Tensor& w, const Tensor& b, const PostOps& post);
// The same with the weight's Variable, honouring the compute precision (precision.hpp): under bf16, the weight's
// bf16 copy is cached by its id and version. The Tensor form above always computes in f32.
Tensor linear_inference(const Tensor& x, const Variable& w, const Tensor& b, const PostOps& post, Bf16Io io = {});

// How many inputs (inference and training) and incoming gradients the bf16 path of linear and conv2d has converted
// from f32 in this process: counts for tests that activations stay bf16 between primitives.
std::uint64_t bf16_input_conversions();
std::uint64_t bf16_gradient_conversions();

}  // namespace lskd::ops
