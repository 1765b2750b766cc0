#include "framework/ops/conv_primitives.hpp"

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;
using dt = memory::data_type;

// The descriptors every primitive of one convolution shares.
struct ConvDescs {
    memory::desc src, dst, diff_src, diff_dst, weights, diff_weights, bias, oihw;
    memory::dims strides, pad;
};

ConvDescs descs(const ConvGeometry& g, dt operands, dt output, dt input_gradient) {
    return {dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c, operands),
            dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o, output),
            dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c, input_gradient),
            dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o, operands),
            dnnl_ctx::md_any({g.o, g.c, g.kh, g.kw}, operands),
            dnnl_ctx::md_any({g.o, g.c, g.kh, g.kw}),
            g.bias ? dnnl_ctx::md_x(g.o) : memory::desc(),
            dnnl_ctx::md_oihw(g.o, g.c, g.kh, g.kw),
            {g.stride, g.stride},
            {g.pad, g.pad}};
}

void add_backward(WeightedPrimitives& e, const ConvDescs& d, bool bias,
                  const convolution_forward::primitive_desc& fwd) {
    const auto alg = algorithm::convolution_direct;
    const auto attr = dnnl_ctx::scratchpad_attr();
    convolution_backward_data::primitive_desc bwd_data(
        convolution_backward_data::desc(alg, d.diff_src, d.weights, d.diff_dst, d.strides, d.pad, d.pad), attr,
        dnnl_ctx::engine(), fwd);
    LSKD_CHECK(bwd_data.diff_src_desc() == d.diff_src && bwd_data.diff_dst_desc() == d.diff_dst,
               "conv2d backward-data did not keep NHWC activations");
    e.backward_data_weights = make_weight_format(bwd_data.weights_desc(), d.oihw);
    e.backward_data = BoundPrimitive(
        convolution_backward_data(bwd_data),
        {{DNNL_ARG_DIFF_DST, d.diff_dst}, {DNNL_ARG_WEIGHTS, bwd_data.weights_desc()}, {DNNL_ARG_DIFF_SRC, d.diff_src}},
        bwd_data.scratchpad_desc());
    // src and diff_dst are explicit NHWC here too, so backward-weights reads the saved activations as they are.
    convolution_backward_weights::primitive_desc bwd_w(
        bias ? convolution_backward_weights::desc(alg, d.src, d.diff_weights, d.bias, d.diff_dst, d.strides, d.pad,
                                                  d.pad)
             : convolution_backward_weights::desc(alg, d.src, d.diff_weights, d.diff_dst, d.strides, d.pad, d.pad),
        attr, dnnl_ctx::engine(), fwd);
    LSKD_CHECK(bwd_w.src_desc() == d.src && bwd_w.diff_dst_desc() == d.diff_dst,
               "conv2d backward-weights did not keep NHWC activations");
    e.diff_weights = make_diff_weight_format(bwd_w.diff_weights_desc(), d.oihw);
    e.backward_weights = BoundPrimitive(convolution_backward_weights(bwd_w),
                                        {{DNNL_ARG_SRC, d.src},
                                         {DNNL_ARG_DIFF_DST, d.diff_dst},
                                         {DNNL_ARG_DIFF_WEIGHTS, e.diff_weights.desc},
                                         {DNNL_ARG_DIFF_BIAS, d.bias}},
                                        bwd_w.scratchpad_desc());
}

}  // namespace

WeightedPrimitives make_conv_primitives(const ConvGeometry& g, bool training, dt operands, dt output,
                                        dt input_gradient) {
    LSKD_CHECK(!(training && g.sum), "conv2d: a sum post-op is for inference only");
    const ConvDescs d = descs(g, operands, output, input_gradient);
    const auto alg = algorithm::convolution_direct;
    const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
    convolution_forward::primitive_desc fwd(
        g.bias ? convolution_forward::desc(prop, alg, d.src, d.weights, d.bias, d.dst, d.strides, d.pad, d.pad)
               : convolution_forward::desc(prop, alg, d.src, d.weights, d.dst, d.strides, d.pad, d.pad),
        dnnl_ctx::scratchpad_attr(g.relu, g.sum), dnnl_ctx::engine());
    LSKD_CHECK(fwd.src_desc() == d.src && fwd.dst_desc() == d.dst, "conv2d forward did not keep NHWC activations");
    WeightedPrimitives e;
    e.forward_weights = make_weight_format(fwd.weights_desc(), d.oihw);
    e.forward = BoundPrimitive(
        convolution_forward(fwd),
        {{DNNL_ARG_SRC, d.src}, {DNNL_ARG_WEIGHTS, fwd.weights_desc()}, {DNNL_ARG_BIAS, d.bias}, {DNNL_ARG_DST, d.dst}},
        fwd.scratchpad_desc());
    if (training) add_backward(e, d, g.bias, fwd);
    return e;
}

}  // namespace lskd::ops
