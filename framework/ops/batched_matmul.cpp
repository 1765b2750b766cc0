// batched_matmul: oneDNN matmul on 3-D tensors, the scale as its output scale. Every transpose, forward (bᵀ) and
// backward (bᵀ or aᵀ, and dCᵀ), is a memory descriptor with swapped strides (tag acb) over the row-major buffer, so
// no operand is ever copied into another layout. Under bf16 compute precision (precision.hpp) the operands and the
// incoming gradient are converted to bf16 copies in their stored layout, which backward reuses, and the products
// accumulate and write in f32, as linear's and conv2d's do (docs/speed.md, "bf16 mixed precision").
#include <bit>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/bf16_weighted.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/precision.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;
using dnnl_ctx::tag;
using dt = memory::data_type;

struct BatchedMatmulEntry {
    BoundPrimitive forward;     // C = s·A·op(B)
    BoundPrimitive backward_a;  // dA = s·dC·op(B)ᵀ
    BoundPrimitive backward_b;  // dB = s·Aᵀ·dC, or s·dCᵀ·A when B is stored transposed
    // bf16 only: f32 → bf16 copies of A, B and dC as stored.
    BoundPrimitive a_to_bf16, b_to_bf16, gout_to_bf16;
};

// The tensor of logical dims [d0, d1, d2] in a row-major buffer: abc reads it as stored, acb as the transpose of a
// buffer stored [d0, d2, d1].
memory::desc md3(std::int64_t d0, std::int64_t d1, std::int64_t d2, tag t, dt type = dt::f32) {
    return {{d0, d1, d2}, type, t};
}

BoundPrimitive to_bf16(std::int64_t d0, std::int64_t d1, std::int64_t d2) {
    return dnnl_ctx::make_reorder(md3(d0, d1, d2, tag::abc), md3(d0, d1, d2, tag::abc, dt::bf16));
}

BoundPrimitive make_matmul(const memory::desc& src, const memory::desc& wei, const memory::desc& dst, float scale) {
    primitive_attr attr = dnnl_ctx::scratchpad_attr();
    if (scale != 1.0f) attr.set_output_scales(0, {scale});
    matmul::primitive_desc pd(matmul::desc(src, wei, dst), attr, dnnl_ctx::engine());
    return BoundPrimitive(matmul(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}},
                          pd.scratchpad_desc());
}

// A [B, M, K], B [B, K, N] (stored [B, N, K] when transposed), C [B, M, N]; operands of type `op` (f32 or bf16),
// outputs and gradients f32.
BatchedMatmulEntry make_entry(std::int64_t batch, std::int64_t m, std::int64_t k, std::int64_t n, bool transpose_b,
                              bool training, float scale, dt op) {
    BatchedMatmulEntry e;
    e.forward = make_matmul(md3(batch, m, k, tag::abc, op), md3(batch, k, n, transpose_b ? tag::acb : tag::abc, op),
                            md3(batch, m, n, tag::abc), scale);
    if (op == dt::bf16) {
        e.a_to_bf16 = to_bf16(batch, m, k);
        e.b_to_bf16 = transpose_b ? to_bf16(batch, n, k) : to_bf16(batch, k, n);
    }
    if (!training) return e;
    // op(B)ᵀ [B, N, K] is B's buffer read as stored when B is stored transposed, else read transposed.
    e.backward_a = make_matmul(md3(batch, m, n, tag::abc, op), md3(batch, n, k, transpose_b ? tag::abc : tag::acb, op),
                               md3(batch, m, k, tag::abc), scale);
    e.backward_b = transpose_b ? make_matmul(md3(batch, n, m, tag::acb, op), md3(batch, m, k, tag::abc, op),
                                             md3(batch, n, k, tag::abc), scale)
                               : make_matmul(md3(batch, k, m, tag::acb, op), md3(batch, m, n, tag::abc, op),
                                             md3(batch, k, n, tag::abc), scale);
    if (op == dt::bf16) e.gout_to_bf16 = to_bf16(batch, m, n);
    return e;
}

BatchedMatmulEntry& entry(std::int64_t batch, std::int64_t m, std::int64_t k, std::int64_t n, bool transpose_b,
                          bool training, float scale, bool bf16) {
    static dnnl_ctx::PrimitiveCache<BatchedMatmulEntry> cache;
    const std::int64_t scale_bits = std::bit_cast<std::uint32_t>(scale);
    return cache.get(
        {static_cast<std::uint32_t>(OpKind::batched_matmul), {batch, m, k, n, transpose_b, training, scale_bits, bf16}},
        [&] { return make_entry(batch, m, k, n, transpose_b, training, scale, dnnl_ctx::value_type(bf16)); });
}

// saved(0) and saved(1) are A and B as the products read them: the inputs, or their bf16 copies.
struct BatchedMatmulNode : Node {
    BatchedMatmulEntry* prims = nullptr;
    bool transpose_b = false;
    bool bf16 = false;
    Shape a_shape, b_shape;
    void backward(const Tensor& gout) override;
};

void check_shapes(const Tensor& a, const Tensor& b, bool transpose_b) {
    const int inner = transpose_b ? 2 : 1;
    if (a.rank() != 3 || b.rank() != 3 || a.dim(0) != b.dim(0) || a.dim(2) != b.dim(inner))
        fail("batched_matmul: a {} does not match b {}{} (expected a [B, M, K] and b {})", a.shape().str(),
             b.shape().str(), transpose_b ? " transposed" : "", transpose_b ? "[B, N, K]" : "[B, K, N]");
    if (a.numel() == 0 || b.numel() == 0)
        fail("batched_matmul: a {} and b {} must have no empty dimension", a.shape().str(), b.shape().str());
}

}  // namespace

Variable batched_matmul(const Variable& a, const Variable& b, bool transpose_b, float scale) {
    check_input_type("batched_matmul", a, false);
    check_input_type("batched_matmul", b, false);
    check_shapes(a.value(), b.value(), transpose_b);
    const std::int64_t batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(transpose_b ? 1 : 2);
    const bool graph = needs_graph({&a, &b});
    const bool bf16 = compute_precision() == Precision::bf16;
    BatchedMatmulEntry& prims = entry(batch, m, k, n, transpose_b, graph, scale, bf16);
    const Tensor a_op = bf16 ? bf16_copy(prims.a_to_bf16, a.value()) : a.value();
    const Tensor b_op = bf16 ? bf16_copy(prims.b_to_bf16, b.value()) : b.value();
    Tensor c = Tensor::empty({batch, m, n});
    prims.forward.set(DNNL_ARG_SRC, a_op.data()).set(DNNL_ARG_WEIGHTS, b_op.data()).set(DNNL_ARG_DST, c.data()).run();
    return record<BatchedMatmulNode>(OpKind::batched_matmul, c, graph, {&a, &b}, [&](BatchedMatmulNode& node) {
        node.prims = &prims;
        node.transpose_b = transpose_b;
        node.bf16 = bf16;
        node.a_shape = a.shape();
        node.b_shape = b.shape();
        node.save(a_op, "a");
        node.save(b_op, "b");
    });
}

void BatchedMatmulNode::backward(const Tensor& grad_output) {
    const Tensor& a = saved(0);
    const Tensor& b = saved(1);
    const Tensor gout = bf16 ? bf16_copy(prims->gout_to_bf16, grad_output) : grad_output;
    if (needs_grad(0)) {
        Tensor ga = Tensor::empty(a_shape);
        prims->backward_a.set(DNNL_ARG_SRC, gout.data())
            .set(DNNL_ARG_WEIGHTS, b.data())
            .set(DNNL_ARG_DST, ga.data())
            .run();
        accumulate_grad(*inputs[0], ga);
    }
    if (needs_grad(1)) {
        // Aᵀ·dC reads A as the source and dC as the weights; dCᵀ·A (B stored transposed) the other way round.
        Tensor gb = Tensor::empty(b_shape);
        prims->backward_b.set(DNNL_ARG_SRC, transpose_b ? gout.data() : a.data())
            .set(DNNL_ARG_WEIGHTS, transpose_b ? a.data() : gout.data())
            .set(DNNL_ARG_DST, gb.data())
            .run();
        accumulate_grad(*inputs[1], gb);
    }
}

}  // namespace lskd::ops
