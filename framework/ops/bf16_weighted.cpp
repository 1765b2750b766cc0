#include "framework/ops/bf16_weighted.hpp"

#include <atomic>

#include "framework/ops/fused_inference.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/relu_backward.hpp"

namespace lskd::ops {
namespace {

std::atomic<std::uint64_t> g_input_conversions{0};
std::atomic<std::uint64_t> g_gradient_conversions{0};

struct Bf16WeightedNode : Node {
    Bf16Entry* prims = nullptr;
    Shape input_shape;  // saved(0) is the input's bf16 copy, or the bf16 input itself
    Bf16Io io;
    bool has_bias = false;
    bool relu = false;  // the output was saved third, to mask the incoming gradient
    void backward(const Tensor& gout) override;
};

void run_forward(Bf16Entry& prims, const Tensor& x16, const std::shared_ptr<VarImpl>& w, const Tensor& b, Tensor& y) {
    prims.forward.set(DNNL_ARG_SRC, x16.data())
        .set(DNNL_ARG_WEIGHTS, weights_in_format(w, prims.forward_weights))
        .set(DNNL_ARG_DST, y.data());
    if (b.defined()) prims.forward.set(DNNL_ARG_BIAS, b.data());
    prims.forward.run();
}

}  // namespace

Tensor bf16_copy(dnnl_ctx::BoundPrimitive& to_bf16, const Tensor& x) {
    Tensor out = Tensor::empty({(x.numel() + 1) / 2});
    to_bf16.set(DNNL_ARG_FROM, x.data()).set(DNNL_ARG_TO, out.data()).run();
    return out;
}

Variable bf16_weighted_forward(OpKind kind, Bf16Entry& prims, const Variable& x, const Variable& w, const Variable& b,
                               bool relu, bool graph, Tensor y, Bf16Io io) {
    check_input_type(op_name(kind), x, io.input);
    if (!io.input) g_input_conversions.fetch_add(1, std::memory_order_relaxed);
    const Tensor x16 = io.input ? x.value() : bf16_copy(prims.input_to_bf16, x.value());
    run_forward(prims, x16, w.impl(), b.defined() ? b.value() : Tensor(), y);
    Variable out = record<Bf16WeightedNode>(kind, y, graph, {&x, &w, &b}, [&](Bf16WeightedNode& node) {
        node.prims = &prims;
        node.input_shape = x.shape();
        node.io = io;
        node.has_bias = b.defined();
        node.relu = relu;
        node.save(x16, "input");
        node.save(w.value(), "weight");
        if (relu) node.save(y, "output");
    });
    return holding_bf16(std::move(out), io.output);
}

void bf16_weighted_inference(Bf16Entry& prims, const Tensor& x, bool bf16_input, const std::shared_ptr<VarImpl>& w,
                             const Tensor& b, Tensor& dst) {
    if (bf16_input) return run_forward(prims, x, w, b, dst);
    g_input_conversions.fetch_add(1, std::memory_order_relaxed);
    run_forward(prims, bf16_copy(prims.input_to_bf16, x), w, b, dst);
}

std::uint64_t bf16_input_conversions() { return g_input_conversions.load(std::memory_order_relaxed); }
std::uint64_t bf16_gradient_conversions() { return g_gradient_conversions.load(std::memory_order_relaxed); }

// dx = dy·w and dw, db from x and dy, as in f32, with dy converted to bf16 once for both (unless it is bf16 already).
void Bf16WeightedNode::backward(const Tensor& grad_output) {
    const Tensor& x16 = saved(0);
    const Shape& wshape = saved(1).shape();
    if (!io.output) g_gradient_conversions.fetch_add(1, std::memory_order_relaxed);
    const Tensor masked = relu ? relu_backward(saved(2), grad_output, io.output) : grad_output;
    const Tensor g16 = io.output ? masked : bf16_copy(prims->output_to_bf16, masked);
    if (needs_grad(0)) {
        Tensor gx = Tensor::empty(input_shape);
        prims->backward_data.set(DNNL_ARG_DIFF_DST, g16.data())
            .set(DNNL_ARG_WEIGHTS, weights_in_format(inputs[1], prims->backward_data_weights))
            .set(DNNL_ARG_DIFF_SRC, gx.data())
            .run();
        accumulate_grad(*inputs[0], gx);
    }
    if (needs_grad(1) || (has_bias && needs_grad(2))) {
        WeightGrads g = run_backward_weights(prims->backward_weights, prims->diff_weights, wshape, has_bias, x16.data(),
                                             g16.data());
        accumulate_grad(*inputs[1], g.weight);
        if (has_bias) accumulate_grad(*inputs[2], g.bias);
    }
}

}  // namespace lskd::ops
