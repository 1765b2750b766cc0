// Inference-only fused kernels (forward_inference primitives, no graph): a convolution whose bias, residual sum
// and ReLU run inside one oneDNN primitive as post-ops, and an inner product with a ReLU post-op. They take and
// return plain Tensors (NHWC / [N, C]), so evaluation pays for no autograd bookkeeping.
#pragma once
#include <cstdint>
#include <memory>

#include "framework/tensor/tensor.hpp"

namespace lskd::ops {

struct ConvFusion {
    std::int64_t stride = 1;
    std::int64_t padding = 0;
    bool sum = false;   // adds the destination's previous contents (a residual connection), before the ReLU
    bool relu = false;  // max(·, 0), last
};

// A convolution for inference over weights it owns: the caller writes plain OIHW weights [O, C, kh, kw] and a
// bias [O] (folded batch norm, say), then calls weights_changed(). Each primitive's weight format is made from
// them once per change (a reorder, when the format is not plain OIHW), so repeated runs reorder nothing, and
// primitives are cached per shape: after warm-up a run creates no primitive and draws only pooled buffers.
class InferenceConv {
public:
    InferenceConv(const Shape& weight_shape, ConvFusion fusion);
    ~InferenceConv();
    InferenceConv(const InferenceConv&) = delete;
    InferenceConv& operator=(const InferenceConv&) = delete;

    struct Entry;  // the primitives of one input shape (opaque outside the .cpp)

    Tensor& weight() { return weight_; }
    Tensor& bias() { return bias_; }
    void weights_changed() { ++generation_; }

    // x NHWC [N, H, W, C] → a new NHWC [N, H', W', O]; only without fusion.sum.
    Tensor run(const Tensor& x);
    // dst ← relu?(conv(x) + bias + dst), in place; only with fusion.sum. dst must be NHWC [N, H', W', O].
    void run_into(const Tensor& x, Tensor& dst);

    // Reorders of the weights into a primitive's format, for tests.
    std::uint64_t weight_reorders() const { return reorders_; }

private:
    struct Formats;  // the weights in each format a primitive asked for
    Shape output_shape(const Tensor& x) const;
    Entry& entry_for(const Tensor& x);
    const float* weights_for(Entry& e);

    ConvFusion fusion_;
    Tensor weight_, bias_;
    std::uint64_t generation_ = 1;
    std::uint64_t reorders_ = 0;
    std::unique_ptr<Formats> formats_;
};

// relu?(x [N, in] · wᵀ + b) as one inner product (ReLU as an eltwise post-op) → a new [N, out]. w [out, in] plain,
// b [out] or undefined. Defined in linear.cpp: it runs linear's cached inference primitive, without a graph.
Tensor linear_inference(const Tensor& x, const Tensor& w, const Tensor& b, bool relu);

}  // namespace lskd::ops
