// conv2d's bf16 primitives (bf16_weighted.hpp): direct convolutions on bf16 NHWC activations and weights in the
// primitive's own format, f32 bias, output (with conv2d's relu and, for inference, sum post-ops) and gradients.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/bf16_weighted.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;
using dt = memory::data_type;

void add_backward(Bf16Entry& e, const ConvGeometry& g, const convolution_forward::primitive_desc& fwd) {
    const auto src16 = dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c, dt::bf16);
    const auto src = dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c);
    const auto dst = dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o);
    const auto dst16 = dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o, dt::bf16);
    const auto oihw = dnnl_ctx::md_oihw(g.o, g.c, g.kh, g.kw);
    const auto b = g.bias ? dnnl_ctx::md_x(g.o) : memory::desc();
    const memory::dims strides{g.stride, g.stride}, pad{g.pad, g.pad};
    const auto alg = algorithm::convolution_direct;
    const auto attr = dnnl_ctx::scratchpad_attr();
    e.output_to_bf16 = dnnl_ctx::make_reorder(dst, dst16);
    convolution_backward_data::primitive_desc bwd_data(
        convolution_backward_data::desc(alg, src, dnnl_ctx::md_any({g.o, g.c, g.kh, g.kw}, dt::bf16), dst16, strides,
                                        pad, pad),
        attr, dnnl_ctx::engine(), fwd);
    e.backward_data_weights = make_weight_format(bwd_data.weights_desc(), oihw);
    e.backward_data = BoundPrimitive(
        convolution_backward_data(bwd_data),
        {{DNNL_ARG_DIFF_DST, dst16}, {DNNL_ARG_WEIGHTS, bwd_data.weights_desc()}, {DNNL_ARG_DIFF_SRC, src}},
        bwd_data.scratchpad_desc());
    const auto diff_wei = dnnl_ctx::md_any({g.o, g.c, g.kh, g.kw});
    convolution_backward_weights::primitive_desc bwd_w(
        g.bias ? convolution_backward_weights::desc(alg, src16, diff_wei, b, dst16, strides, pad, pad)
               : convolution_backward_weights::desc(alg, src16, diff_wei, dst16, strides, pad, pad),
        attr, dnnl_ctx::engine(), fwd);
    LSKD_CHECK(bwd_w.src_desc() == src16 && bwd_w.diff_dst_desc() == dst16,
               "conv2d bf16 backward-weights did not keep NHWC activations");
    e.diff_weights = make_diff_weight_format(bwd_w.diff_weights_desc(), oihw);
    e.backward_weights = BoundPrimitive(convolution_backward_weights(bwd_w),
                                        {{DNNL_ARG_SRC, src16},
                                         {DNNL_ARG_DIFF_DST, dst16},
                                         {DNNL_ARG_DIFF_WEIGHTS, e.diff_weights.desc},
                                         {DNNL_ARG_DIFF_BIAS, b}},
                                        bwd_w.scratchpad_desc());
}

Bf16Entry make_entry(const ConvGeometry& g, bool training, bool bf16_output) {
    LSKD_CHECK(!((training || g.sum) && bf16_output), "conv2d: a bf16 output is for inference without a sum only");
    const auto src16 = dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c, dt::bf16);
    const auto dst = dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o, bf16_output ? dt::bf16 : dt::f32);
    const auto b = g.bias ? dnnl_ctx::md_x(g.o) : memory::desc();
    const auto wei = dnnl_ctx::md_any({g.o, g.c, g.kh, g.kw}, dt::bf16);
    const memory::dims strides{g.stride, g.stride}, pad{g.pad, g.pad};
    const auto alg = algorithm::convolution_direct;
    const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
    LSKD_CHECK(!(training && g.sum), "conv2d: a sum post-op is for inference only");
    convolution_forward::primitive_desc fwd(
        g.bias ? convolution_forward::desc(prop, alg, src16, wei, b, dst, strides, pad, pad)
               : convolution_forward::desc(prop, alg, src16, wei, dst, strides, pad, pad),
        dnnl_ctx::scratchpad_attr(g.relu, g.sum), dnnl_ctx::engine());
    LSKD_CHECK(fwd.src_desc() == src16 && fwd.dst_desc() == dst, "conv2d bf16 forward did not keep NHWC activations");
    Bf16Entry e;
    e.input_to_bf16 = dnnl_ctx::make_reorder(dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c), src16);
    e.forward_weights = make_weight_format(fwd.weights_desc(), dnnl_ctx::md_oihw(g.o, g.c, g.kh, g.kw));
    e.forward = BoundPrimitive(
        convolution_forward(fwd),
        {{DNNL_ARG_SRC, src16}, {DNNL_ARG_WEIGHTS, fwd.weights_desc()}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}},
        fwd.scratchpad_desc());
    if (training) add_backward(e, g, fwd);
    return e;
}

}  // namespace

Bf16Entry& conv2d_bf16_entry(const ConvGeometry& g, bool training, bool bf16_output) {
    static dnnl_ctx::PrimitiveCache<Bf16Entry> cache;
    return cache.get(
        {static_cast<std::uint32_t>(OpKind::conv2d),
         {g.n, g.h, g.w, g.c, g.o, g.kh, g.kw, g.stride, g.pad, g.bias, g.relu, g.sum, training, bf16_output}},
        [&] { return make_entry(g, training, bf16_output); });
}

}  // namespace lskd::ops
