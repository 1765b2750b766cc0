// linear: oneDNN inner product on plain nc activations and oi weights (gemm-based, no weight reorder); under bf16
// compute precision the bf16 path of bf16_weighted.hpp instead.
// With the relu post-op, max(0, ·) runs inside the forward primitive (no separate pass over the output), and
// backward first masks the incoming gradient by the saved output, dy·[y > 0], as the relu op would.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/bf16_weighted.hpp"
#include "framework/ops/fused_inference.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/relu_backward.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct LinearEntry {
    BoundPrimitive forward;
    BoundPrimitive backward_data;
    BoundPrimitive backward_weights;
};

LinearEntry make_entry(std::int64_t n, std::int64_t in, std::int64_t out, bool bias, bool relu, bool training) {
    const auto src = dnnl_ctx::md_nc(n, in);
    const auto wei = dnnl_ctx::md_oi(out, in);
    const auto b = bias ? dnnl_ctx::md_x(out) : memory::desc();
    const auto dst = dnnl_ctx::md_nc(n, out);
    const auto attr = dnnl_ctx::scratchpad_attr();
    const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
    inner_product_forward::primitive_desc fwd(
        bias ? inner_product_forward::desc(prop, src, wei, b, dst) : inner_product_forward::desc(prop, src, wei, dst),
        dnnl_ctx::scratchpad_attr(relu), dnnl_ctx::engine());
    LinearEntry e;
    e.forward = BoundPrimitive(inner_product_forward(fwd),
                               {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, dst}},
                               fwd.scratchpad_desc());
    if (!training) return e;
    inner_product_backward_data::primitive_desc bwd_data(inner_product_backward_data::desc(src, wei, dst), attr,
                                                         dnnl_ctx::engine(), fwd);
    e.backward_data = BoundPrimitive(inner_product_backward_data(bwd_data),
                                     {{DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, src}},
                                     bwd_data.scratchpad_desc());
    inner_product_backward_weights::primitive_desc bwd_w(bias ? inner_product_backward_weights::desc(src, wei, b, dst)
                                                              : inner_product_backward_weights::desc(src, wei, dst),
                                                         attr, dnnl_ctx::engine(), fwd);
    e.backward_weights = BoundPrimitive(
        inner_product_backward_weights(bwd_w),
        {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_DIFF_WEIGHTS, wei}, {DNNL_ARG_DIFF_BIAS, b}},
        bwd_w.scratchpad_desc());
    return e;
}

LinearEntry& entry(std::int64_t n, std::int64_t in, std::int64_t out, bool bias, bool relu, bool training) {
    static dnnl_ctx::PrimitiveCache<LinearEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::linear), {n, in, out, bias, relu, training}},
                     [&] { return make_entry(n, in, out, bias, relu, training); });
}

struct LinearNode : Node {
    LinearEntry* prims = nullptr;
    bool has_bias = false;
    bool relu = false;  // the output was saved third, to mask the incoming gradient
    void backward(const Tensor& gout) override;
};

void check_shapes(const Tensor& x, const Tensor& w, const Tensor& b) {
    if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1))
        fail("linear: input {} does not match weight {}", x.shape().str(), w.shape().str());
    if (b.defined() && (b.rank() != 1 || b.dim(0) != w.dim(0)))
        fail("linear: bias {} does not match weight {}", b.shape().str(), w.shape().str());
}

// relu?(x · wᵀ + b) by the entry's forward primitive, into a new [N, out].
Tensor run_forward(LinearEntry& prims, const Tensor& x, const Tensor& w, const Tensor& b) {
    Tensor y = Tensor::empty({x.dim(0), w.dim(0)});
    prims.forward.set(DNNL_ARG_SRC, x.data()).set(DNNL_ARG_WEIGHTS, w.data()).set(DNNL_ARG_DST, y.data());
    if (b.defined()) prims.forward.set(DNNL_ARG_BIAS, b.data());
    prims.forward.run();
    return y;
}

}  // namespace

Variable linear(const Variable& x, const Variable& w, const Variable& b, const PostOps& post) {
    check_post_ops("linear", post, {.relu = true});
    const bool relu = post.relu;
    const bool bias = b.defined();
    check_shapes(x.value(), w.value(), bias ? b.value() : Tensor());
    const bool graph = needs_graph({&x, &w, &b});
    if (compute_precision() == Precision::bf16)
        return bf16_weighted_forward(OpKind::linear, linear_bf16_entry(x.dim(0), x.dim(1), w.dim(0), bias, relu, graph),
                                     x, w, b, relu, graph, Tensor::empty({x.dim(0), w.dim(0)}));
    check_input_type("linear", x, false);
    LinearEntry& prims = entry(x.dim(0), x.dim(1), w.dim(0), bias, relu, graph);
    Tensor y = run_forward(prims, x.value(), w.value(), bias ? b.value() : Tensor());
    return record<LinearNode>(OpKind::linear, y, graph, {&x, &w, &b}, [&](LinearNode& node) {
        node.prims = &prims;
        node.has_bias = bias;
        node.relu = relu;
        node.save(x.value(), "input");
        node.save(w.value(), "weight");
        if (relu) node.save(y, "output");
    });
}

Tensor linear_inference(const Tensor& x, const Tensor& w, const Tensor& b, const PostOps& post) {
    check_post_ops("linear", post, {.relu = true});
    check_shapes(x, w, b);
    if (x.dim(0) < 1) fail("linear: inference needs at least one example, got input {}", x.shape().str());
    return run_forward(entry(x.dim(0), x.dim(1), w.dim(0), b.defined(), post.relu, false), x, w, b);
}

Tensor linear_inference(const Tensor& x, const Variable& w, const Tensor& b, const PostOps& post, Bf16Io io) {
    if (compute_precision() == Precision::f32) {
        LSKD_CHECK(!io.input && !io.output, "linear: bf16 activations under f32 compute precision");
        return linear_inference(x, w.value(), b, post);
    }
    check_post_ops("linear", post, {.relu = true});
    check_shapes(x, w.value(), b);
    if (x.dim(0) < 1) fail("linear: inference needs at least one example, got input {}", x.shape().str());
    Tensor y = Tensor::empty({x.dim(0), w.dim(0)});
    bf16_weighted_inference(linear_bf16_entry(x.dim(0), x.dim(1), w.dim(0), b.defined(), post.relu, false,
                                              Bf16Weights::automatic, io.output),
                            x, io.input, w.impl(), b, y);
    return y;
}

// dx = dy · w, dw = dyᵀ · x, db = Σ_n dy (dy masked by [y > 0] first with a fused relu).
void LinearNode::backward(const Tensor& grad_output) {
    const Tensor& x = saved(0);
    const Tensor& w = saved(1);
    const Tensor gout = relu ? relu_backward(saved(2), grad_output) : grad_output;
    if (needs_grad(0)) {
        Tensor gx = Tensor::empty(x.shape());
        prims->backward_data.set(DNNL_ARG_DIFF_DST, gout.data())
            .set(DNNL_ARG_WEIGHTS, w.data())
            .set(DNNL_ARG_DIFF_SRC, gx.data())
            .run();
        accumulate_grad(*inputs[0], gx);
    }
    if (needs_grad(1) || (has_bias && needs_grad(2))) {
        Tensor gw = Tensor::empty(w.shape());
        Tensor gb = has_bias ? Tensor::empty({w.dim(0)}) : Tensor();
        prims->backward_weights.set(DNNL_ARG_SRC, x.data())
            .set(DNNL_ARG_DIFF_DST, gout.data())
            .set(DNNL_ARG_DIFF_WEIGHTS, gw.data());
        if (has_bias) prims->backward_weights.set(DNNL_ARG_DIFF_BIAS, gb.data());
        prims->backward_weights.run();
        accumulate_grad(*inputs[1], gw);
        if (has_bias) accumulate_grad(*inputs[2], gb);
    }
}

}  // namespace lskd::ops
