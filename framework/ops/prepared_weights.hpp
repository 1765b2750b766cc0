// Master weights (f32, plain OIHW or OI, in their Variable) converted into the format and data type a primitive
// reads, cached per (weight id, format) and refreshed only when the weight tensor's version or storage changed,
// so a training step converts each weight at most once per format. Shared by conv2d and the bf16 path.
#pragma once
#include <cstddef>
#include <memory>

#include <oneapi/dnnl/dnnl.hpp>

#include "framework/autograd/variable.hpp"
#include "framework/dnnl/primitive_cache.hpp"

namespace lskd::ops {

// One weight format a primitive reads: its descriptor, whether it is the master layout itself (then the master
// buffer is used as is) and the reorder master → format.
struct WeightFormat {
    dnnl::memory::desc desc;
    bool plain = true;
    dnnl_ctx::BoundPrimitive reorder;
};

WeightFormat make_weight_format(const dnnl::memory::desc& desc, const dnnl::memory::desc& master);
// The weight's data in `format`, converted now only if the cached copy is stale. Counts weight_reorder_count().
const void* weights_in_format(const std::shared_ptr<VarImpl>& w, WeightFormat& format);
// The f32 elements a buffer of `md` takes (so pooled Tensors can hold blocked or bf16 data).
std::int64_t floats_for(const dnnl::memory::desc& md);

// Weight gradients as a backward-weights primitive writes them (f32, maybe blocked) and the reorder back to the
// master layout.
struct DiffWeightFormat {
    dnnl::memory::desc desc;
    bool plain = true;
    dnnl_ctx::BoundPrimitive reorder;
};

DiffWeightFormat make_diff_weight_format(const dnnl::memory::desc& desc, const dnnl::memory::desc& master);
// Where the primitive writes: `grad` itself (master layout) when plain, else a pooled buffer of the format's size.
Tensor diff_weight_buffer(const DiffWeightFormat& format, const Tensor& grad);
// grad ← buffer in the master layout; nothing when plain (the primitive wrote grad).
void to_master_layout(DiffWeightFormat& format, const Tensor& buffer, Tensor& grad);

// A weighted op's primitives with the weight formats they read and the one backward-weights writes; the backward
// ones only for training. conv2d's f32 cache entry, and the core of the bf16 path's (bf16_weighted.hpp).
struct WeightedPrimitives {
    dnnl_ctx::BoundPrimitive forward;
    WeightFormat forward_weights;
    dnnl_ctx::BoundPrimitive backward_data;
    WeightFormat backward_data_weights;
    dnnl_ctx::BoundPrimitive backward_weights;
    DiffWeightFormat diff_weights;
};

// dw [wshape] in the master layout and db [wshape[0]] (undefined without a bias) of a weighted op: its
// backward-weights primitive run on `src` and `diff_dst` in whatever data type it was made for.
struct WeightGrads {
    Tensor weight, bias;
};
WeightGrads run_backward_weights(dnnl_ctx::BoundPrimitive& primitive, DiffWeightFormat& format, const Shape& wshape,
                                 bool has_bias, const void* src, const void* diff_dst);

}  // namespace lskd::ops
