// conv2d's bf16 primitives (bf16_weighted.hpp): direct convolutions on bf16 NHWC activations and weights in the
// primitive's own format, f32 bias, output (with conv2d's relu and, for inference, sum post-ops) and gradients
// (conv_primitives.hpp), and the conversions of the input and the output's gradient to bf16. With bf16
// activations (post_ops.hpp, Bf16Io) the output, or the input's gradient, is bf16 instead of f32, and the
// conversion that would have made that side's bf16 copy is not made.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/bf16_weighted.hpp"
#include "framework/ops/conv_primitives.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dt = memory::data_type;

Bf16Entry make_entry(const ConvGeometry& g, bool training, Bf16Io io) {
    LSKD_CHECK(!(g.sum && io.output), "conv2d: a bf16 output cannot take a sum post-op");
    Bf16Entry e;
    static_cast<WeightedPrimitives&>(e) = make_conv_primitives(g, training, dt::bf16, dnnl_ctx::value_type(io.output),
                                                               dnnl_ctx::value_type(training && io.input));
    if (!io.input)
        e.input_to_bf16 = dnnl_ctx::make_reorder(dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c),
                                                 dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c, dt::bf16));
    if (training && !io.output)
        e.output_to_bf16 = dnnl_ctx::make_reorder(dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o),
                                                  dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o, dt::bf16));
    return e;
}

}  // namespace

Bf16Entry& conv2d_bf16_entry(const ConvGeometry& g, bool training, Bf16Io io) {
    static dnnl_ctx::PrimitiveCache<Bf16Entry> cache;
    return cache.get(
        {static_cast<std::uint32_t>(OpKind::conv2d),
         {g.n, g.h, g.w, g.c, g.o, g.kh, g.kw, g.stride, g.pad, g.bias, g.relu, g.sum, training, io.input, io.output}},
        [&] { return make_entry(g, training, io); });
}

}  // namespace lskd::ops
