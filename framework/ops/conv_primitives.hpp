// The primitives of one direct convolution on explicit NHWC activations, weights in the primitive's own format:
// conv2d's f32 entry and its bf16 path's (conv2d.cpp, conv2d_bf16.cpp) differ only in data types, so one builder
// makes both.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include "framework/ops/conv_geometry.hpp"
#include "framework/ops/prepared_weights.hpp"

namespace lskd::ops {

// Forward reads src and weights of type `operands` and writes dst of type `output` (f32 bias; g's relu and, for
// inference only, sum post-ops). With `training`, backward-data reads diff_dst and weights of type `operands` and
// writes diff_src of type `input_gradient`, and backward-weights reads src and diff_dst of type `operands` and writes
// f32 diff_weights and diff_bias. Errors if oneDNN would not keep NHWC activations.
WeightedPrimitives make_conv_primitives(const ConvGeometry& g, bool training, dnnl::memory::data_type operands,
                                        dnnl::memory::data_type output,
                                        dnnl::memory::data_type input_gradient = dnnl::memory::data_type::f32);

}  // namespace lskd::ops
