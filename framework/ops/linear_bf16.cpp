// linear's bf16 primitives (bf16_weighted.hpp): inner products on bf16 nc activations, f32 bias, output and
// gradients. The weights are plain oi bf16 unless the product runs on AMX tiles: without AMX the brgemm kernels'
// blocked formats cost a blocked conversion per weight and step and a reorder of every weight gradient back to oi,
// several times the plain conversion, for no faster product at lskd's shapes; oneDNN's AMX kernels take only their
// own blocked formats, and tiles are worth those conversions (docs/speed.md, "bf16 mixed precision").
#include <string>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/bf16_weighted.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;
using dt = memory::data_type;

inner_product_forward::primitive_desc forward_desc(std::int64_t n, std::int64_t in, std::int64_t out, bool bias,
                                                   bool relu, bool training, const memory::desc& wei, dt dst_type) {
    const auto src = dnnl_ctx::md_nc(n, in, dt::bf16);
    const auto b = bias ? dnnl_ctx::md_x(out) : memory::desc();
    const auto dst = dnnl_ctx::md_nc(n, out, dst_type);
    const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
    return inner_product_forward::primitive_desc(
        bias ? inner_product_forward::desc(prop, src, wei, b, dst) : inner_product_forward::desc(prop, src, wei, dst),
        dnnl_ctx::scratchpad_attr(relu), dnnl_ctx::engine());
}

bool runs_on_amx(const primitive_desc_base& pd) {
    return std::string(pd.impl_info_str()).find("amx") != std::string::npos;
}

// Both backward passes, against the forward's primitive descriptor; `wei` (bf16) and `diff_wei` (f32) are plain oi
// or format_tag::any, as the forward's weights.
void add_backward(Bf16Entry& e, const inner_product_forward::primitive_desc& fwd, const memory::desc& wei,
                  const memory::desc& diff_wei, std::int64_t n, std::int64_t in, std::int64_t out, bool bias) {
    const auto src = dnnl_ctx::md_nc(n, in, dt::bf16);
    const auto oi = dnnl_ctx::md_oi(out, in);
    const auto b = bias ? dnnl_ctx::md_x(out) : memory::desc();
    const auto dst16 = dnnl_ctx::md_nc(n, out, dt::bf16);
    const auto attr = dnnl_ctx::scratchpad_attr();
    e.output_to_bf16 = dnnl_ctx::make_reorder(dnnl_ctx::md_nc(n, out), dst16);
    inner_product_backward_data::primitive_desc bwd_data(
        inner_product_backward_data::desc(dnnl_ctx::md_nc(n, in), wei, dst16), attr, dnnl_ctx::engine(), fwd);
    e.backward_data_weights = make_weight_format(bwd_data.weights_desc(), oi);
    e.backward_data = BoundPrimitive(inner_product_backward_data(bwd_data),
                                     {{DNNL_ARG_DIFF_DST, dst16},
                                      {DNNL_ARG_WEIGHTS, bwd_data.weights_desc()},
                                      {DNNL_ARG_DIFF_SRC, bwd_data.diff_src_desc()}},
                                     bwd_data.scratchpad_desc());
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
}

Bf16Entry make_entry(std::int64_t n, std::int64_t in, std::int64_t out, bool bias, bool relu, bool training,
                     Bf16Weights weights, bool bf16_output) {
    LSKD_CHECK(!(training && bf16_output), "linear: a bf16 output is for inference only");
    const dt dst_type = dnnl_ctx::value_type(bf16_output);
    const auto any = dnnl_ctx::md_any({out, in}, dt::bf16);
    auto fwd = forward_desc(n, in, out, bias, relu, training, any, dst_type);
    const bool own = weights == Bf16Weights::own || (weights == Bf16Weights::automatic && runs_on_amx(fwd));
    const auto wei = own ? any : dnnl_ctx::md_oi(out, in, dt::bf16);
    if (!own) fwd = forward_desc(n, in, out, bias, relu, training, wei, dst_type);
    Bf16Entry e;
    e.input_to_bf16 = dnnl_ctx::make_reorder(dnnl_ctx::md_nc(n, in), dnnl_ctx::md_nc(n, in, dt::bf16));
    e.forward_weights = make_weight_format(fwd.weights_desc(), dnnl_ctx::md_oi(out, in));
    e.forward = BoundPrimitive(inner_product_forward(fwd),
                               {{DNNL_ARG_SRC, fwd.src_desc()},
                                {DNNL_ARG_WEIGHTS, fwd.weights_desc()},
                                {DNNL_ARG_BIAS, bias ? dnnl_ctx::md_x(out) : memory::desc()},
                                {DNNL_ARG_DST, fwd.dst_desc()}},
                               fwd.scratchpad_desc());
    if (training)
        add_backward(e, fwd, wei, own ? dnnl_ctx::md_any({out, in}) : dnnl_ctx::md_oi(out, in), n, in, out, bias);
    return e;
}

}  // namespace

Bf16Entry& linear_bf16_entry(std::int64_t n, std::int64_t in, std::int64_t out, bool bias, bool relu, bool training,
                             Bf16Weights weights, bool bf16_output) {
    static dnnl_ctx::PrimitiveCache<Bf16Entry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::linear),
                      {n, in, out, bias, relu, training, static_cast<std::int64_t>(weights), bf16_output}},
                     [&] { return make_entry(n, in, out, bias, relu, training, weights, bf16_output); });
}

}  // namespace lskd::ops
