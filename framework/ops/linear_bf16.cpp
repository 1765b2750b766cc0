// linear's bf16 primitives (bf16_weighted.hpp): inner products on bf16 nc activations and plain oi bf16 weights,
// f32 bias, output and gradients. Plain weights, unlike conv2d's `any`: the brgemm kernels' blocked formats cost a
// blocked conversion per weight and step and a reorder of every weight gradient back to oi, several times the
// plain conversion, for no faster product at lskd's shapes (docs/speed.md, "bf16 mixed precision").
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/bf16_weighted.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;
using dt = memory::data_type;

Bf16Entry make_entry(std::int64_t n, std::int64_t in, std::int64_t out, bool bias, bool relu, bool training) {
    const auto src = dnnl_ctx::md_nc(n, in, dt::bf16);
    const auto wei = dnnl_ctx::md_oi(out, in, dt::bf16);
    const auto oi = dnnl_ctx::md_oi(out, in);
    const auto b = bias ? dnnl_ctx::md_x(out) : memory::desc();
    const auto dst = dnnl_ctx::md_nc(n, out);
    const auto dst16 = dnnl_ctx::md_nc(n, out, dt::bf16);
    const auto attr = dnnl_ctx::scratchpad_attr();
    const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
    inner_product_forward::primitive_desc fwd(
        bias ? inner_product_forward::desc(prop, src, wei, b, dst) : inner_product_forward::desc(prop, src, wei, dst),
        dnnl_ctx::scratchpad_attr(relu), dnnl_ctx::engine());
    Bf16Entry e;
    e.input_to_bf16 = dnnl_ctx::make_reorder(dnnl_ctx::md_nc(n, in), src);
    e.forward_weights = make_weight_format(fwd.weights_desc(), oi);
    e.forward = BoundPrimitive(
        inner_product_forward(fwd),
        {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, fwd.weights_desc()}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}},
        fwd.scratchpad_desc());
    if (!training) return e;
    e.output_to_bf16 = dnnl_ctx::make_reorder(dst, dst16);
    inner_product_backward_data::primitive_desc bwd_data(
        inner_product_backward_data::desc(dnnl_ctx::md_nc(n, in), wei, dst16), attr, dnnl_ctx::engine(), fwd);
    e.backward_data_weights = make_weight_format(bwd_data.weights_desc(), oi);
    e.backward_data = BoundPrimitive(inner_product_backward_data(bwd_data),
                                     {{DNNL_ARG_DIFF_DST, dst16},
                                      {DNNL_ARG_WEIGHTS, bwd_data.weights_desc()},
                                      {DNNL_ARG_DIFF_SRC, bwd_data.diff_src_desc()}},
                                     bwd_data.scratchpad_desc());
    const auto diff_wei = oi;
    inner_product_backward_weights::primitive_desc bwd_w(
        bias ? inner_product_backward_weights::desc(src, diff_wei, b, dst16)
             : inner_product_backward_weights::desc(src, diff_wei, dst16),
        attr, dnnl_ctx::engine(), fwd);
    e.diff_weights = make_diff_weight_format(bwd_w.diff_weights_desc(), oi);
    e.backward_weights = BoundPrimitive(inner_product_backward_weights(bwd_w),
                                        {{DNNL_ARG_SRC, src},
                                         {DNNL_ARG_DIFF_DST, dst16},
                                         {DNNL_ARG_DIFF_WEIGHTS, e.diff_weights.desc},
                                         {DNNL_ARG_DIFF_BIAS, b}},
                                        bwd_w.scratchpad_desc());
    return e;
}

}  // namespace

Bf16Entry& linear_bf16_entry(std::int64_t n, std::int64_t in, std::int64_t out, bool bias, bool relu, bool training) {
    static dnnl_ctx::PrimitiveCache<Bf16Entry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::linear), {n, in, out, bias, relu, training}},
                     [&] { return make_entry(n, in, out, bias, relu, training); });
}

}  // namespace lskd::ops
