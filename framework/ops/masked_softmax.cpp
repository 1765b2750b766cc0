// masked_softmax: oneDNN binary add of the mask, broadcast over heads (and queries) by its dimensions of 1, into
// the output, then oneDNN's softmax_v2 in place over the last axis. Backward needs the saved output alone (the mask
// is a constant): dx = y ⊙ (dy − Σ_k y_k dy_k) per row, a host loop because oneDNN 2.6 jits softmax backward for
// AVX-512 only and runs its reference kernel elsewhere, many times slower than the loop (docs/method.md §15).
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct MaskedSoftmaxEntry {
    BoundPrimitive add_mask;  // DST = scores + mask
    BoundPrimitive forward;   // softmax of DST in place
};

// scores [B, H, Lq, Lk] and a mask [B, 1, Mq, Lk] with Mq = Lq or 1; softmax runs on the B·H·Lq rows.
MaskedSoftmaxEntry make_entry(const Shape& s, std::int64_t mask_rows) {
    const memory::desc scores({s[0], s[1], s[2], s[3]}, memory::data_type::f32, memory::format_tag::abcd);
    const memory::desc mask({s[0], 1, mask_rows, s[3]}, memory::data_type::f32, memory::format_tag::abcd);
    const auto rows = dnnl_ctx::md_nc(s[0] * s[1] * s[2], s[3]);
    const auto attr = dnnl_ctx::scratchpad_attr();
    MaskedSoftmaxEntry e;
    binary::primitive_desc add(binary::desc(algorithm::binary_add, scores, mask, scores), attr, dnnl_ctx::engine());
    e.add_mask = BoundPrimitive(binary(add), {{DNNL_ARG_SRC_0, scores}, {DNNL_ARG_SRC_1, mask}, {DNNL_ARG_DST, scores}},
                                add.scratchpad_desc());
    // Inference: the backward pass is lskd's own and needs nothing from the primitive.
    softmax_v2_forward::primitive_desc fwd(
        softmax_v2_forward::desc(prop_kind::forward_inference, algorithm::softmax_accurate, rows, rows, 1), attr,
        dnnl_ctx::engine());
    e.forward =
        BoundPrimitive(softmax_v2_forward(fwd), {{DNNL_ARG_SRC, rows}, {DNNL_ARG_DST, rows}}, fwd.scratchpad_desc());
    return e;
}

MaskedSoftmaxEntry& entry(const Shape& s, std::int64_t mask_rows) {
    static dnnl_ctx::PrimitiveCache<MaskedSoftmaxEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::masked_softmax), {s[0], s[1], s[2], s[3], mask_rows}},
                     [&] { return make_entry(s, mask_rows); });
}

struct MaskedSoftmaxNode : Node {
    void backward(const Tensor& gout) override;
};

void check_inputs(const Tensor& scores, const Tensor& mask) {
    const Shape& s = scores.shape();
    const Shape& m = mask.shape();
    if (s.rank() != 4 || s.numel() == 0)
        fail("masked_softmax: expected scores [B, H, Lq, Lk] with no empty dimension, got {}", s.str());
    if (m.rank() != 3 || m[0] != s[0] || (m[1] != 1 && m[1] != s[2]) || m[2] != s[3])
        fail("masked_softmax: mask {} does not fit scores {}: expected [{}, 1 or {}, {}]", m.str(), s.str(), s[0], s[2],
             s[3]);
    // −inf would make a fully hidden row 0/0; NaN would spread to the row.
    for (std::int64_t i = 0; i < mask.numel(); ++i)
        if (!std::isfinite(mask.at(i)))
            fail("masked_softmax: mask {} entry [{}, {}, {}] is {}; hide keys with −1e9", m.str(), i / (m[1] * m[2]),
                 i / m[2] % m[1], i % m[2], mask.at(i));
}

}  // namespace

Variable masked_softmax(const Variable& scores, const Tensor& mask) {
    check_input_type("masked_softmax", scores, false);
    check_inputs(scores.value(), mask);
    const bool graph = needs_graph({&scores});
    MaskedSoftmaxEntry& prims = entry(scores.shape(), mask.dim(1));
    Tensor y = Tensor::empty(scores.shape());
    prims.add_mask.set(DNNL_ARG_SRC_0, scores.value().data())
        .set(DNNL_ARG_SRC_1, mask.data())
        .set(DNNL_ARG_DST, y.data())
        .run();
    prims.forward.set(DNNL_ARG_SRC, y.data()).set(DNNL_ARG_DST, y.data()).run();
    return record<MaskedSoftmaxNode>(OpKind::masked_softmax, y, graph, {&scores},
                                     [&](MaskedSoftmaxNode& node) { node.save(y, "output"); });
}

void MaskedSoftmaxNode::backward(const Tensor& gout) {
    const Tensor& y = saved(0);
    Tensor gx = Tensor::empty(y.shape());
    const std::int64_t keys = y.dim(3);
    runtime::parallel_for(y.numel() / keys, [&](std::int64_t row) {
        const float* p = y.data() + row * keys;
        const float* g = gout.data() + row * keys;
        float* out = gx.data() + row * keys;
        float dot = 0.0f;
        for (std::int64_t k = 0; k < keys; ++k) dot += p[k] * g[k];
        for (std::int64_t k = 0; k < keys; ++k) out[k] = p[k] * (g[k] - dot);
    });
    accumulate_grad(*inputs[0], gx);
}

}  // namespace lskd::ops
