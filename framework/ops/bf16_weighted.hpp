// The bf16 path shared by linear and conv2d (framework/ops/precision.hpp): the input and the incoming gradient are
// converted to private bf16 copies, the master weights to bf16 in each primitive's format once per version
// (prepared_weights.hpp); the primitives accumulate in f32 and write f32 outputs, input gradients and weight and
// bias gradients, so every Tensor outside these ops stays f32, except where the fusion plan keeps activations bf16
// between two primitives (post_ops.hpp, Bf16Io): such an input or output, and its gradient, is bf16 and not
// converted.
#pragma once
#include "framework/autograd/node.hpp"
#include "framework/autograd/variable.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/conv_geometry.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/post_ops.hpp"
#include "framework/ops/prepared_weights.hpp"

namespace lskd::ops {

// One shape's primitives, created together (backward with its exact forward hint): forward reads bf16 src and
// weights and writes f32 dst (f32 bias); backward-data reads bf16 diff_dst and weights and writes f32 diff_src;
// backward-weights reads bf16 src and diff_dst and writes f32 diff_weights and diff_bias. Forward-inference entries
// have only the input conversion and the forward primitive.
struct Bf16Entry : WeightedPrimitives {
    dnnl_ctx::BoundPrimitive input_to_bf16;   // the input, f32 → bf16 in the same plain layout (not for a bf16 input)
    dnnl_ctx::BoundPrimitive output_to_bf16;  // the output's gradient, f32 → bf16 (not for a bf16 output)
};

// An inner product's bf16 weight format: automatic takes oneDNN's own (blocked) format when the product runs on
// AMX tiles and plain oi otherwise (linear_bf16.cpp says why); plain and own force one, for tests and benchmarks.
enum class Bf16Weights { automatic, plain, own };

// The cached entry of one inner product (x [n, in], w [out, in]) or one convolution; defined in linear_bf16.cpp and
// conv2d_bf16.cpp. An inference entry (training false) with `bf16_output` writes its output as bf16; a convolution's
// entry takes bf16 activations on either side in training too.
Bf16Entry& linear_bf16_entry(std::int64_t n, std::int64_t in, std::int64_t out, bool bias, bool relu, bool training,
                             Bf16Weights weights = Bf16Weights::automatic, bool bf16_output = false);
Bf16Entry& conv2d_bf16_entry(const ConvGeometry& g, bool training, Bf16Io io = {});

// A bf16 copy of x through `to_bf16` (a reorder from x's f32 layout), in a pooled buffer of numel/2 floats.
Tensor bf16_copy(dnnl_ctx::BoundPrimitive& to_bf16, const Tensor& x);

// relu?(op(x, w) + b) into `y` (shaped by the caller); records the graph node when `graph`. w must be the Variable
// so its bf16 copies are cached by its id and version. `io` must be the one `prims` was made for.
Variable bf16_weighted_forward(OpKind kind, Bf16Entry& prims, const Variable& x, const Variable& w, const Variable& b,
                               bool relu, bool graph, Tensor y, Bf16Io io = {});
// The same without a graph, for inference: dst ← relu?(op(x, w) + b (+ dst)), x converted to bf16 first unless
// `bf16_input` says it holds bf16 already; dst is written in the entry's output type.
void bf16_weighted_inference(Bf16Entry& prims, const Tensor& x, bool bf16_input, const std::shared_ptr<VarImpl>& w,
                             const Tensor& b, Tensor& dst);

}  // namespace lskd::ops
