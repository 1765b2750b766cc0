// batched_matmul: oneDNN matmul on 3-D tensors, the scale as its output scale. Every transpose, forward (bᵀ) and
// backward (bᵀ or aᵀ, and dCᵀ), is a memory descriptor with swapped strides (tag acb) over the row-major buffer, so
// no operand is ever copied into another layout.
#include <bit>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;
using dnnl_ctx::tag;

struct BatchedMatmulEntry {
    BoundPrimitive forward;     // C = s·A·op(B)
    BoundPrimitive backward_a;  // dA = s·dC·op(B)ᵀ
    BoundPrimitive backward_b;  // dB = s·Aᵀ·dC, or s·dCᵀ·A when B is stored transposed
};

// The f32 tensor of logical dims [d0, d1, d2] in a row-major buffer: abc reads it as stored, acb as the transpose
// of a buffer stored [d0, d2, d1].
memory::desc md3(std::int64_t d0, std::int64_t d1, std::int64_t d2, tag t) {
    return {{d0, d1, d2}, memory::data_type::f32, t};
}

BoundPrimitive make_matmul(const memory::desc& src, const memory::desc& wei, const memory::desc& dst, float scale) {
    primitive_attr attr = dnnl_ctx::scratchpad_attr();
    if (scale != 1.0f) attr.set_output_scales(0, {scale});
    matmul::primitive_desc pd(matmul::desc(src, wei, dst), attr, dnnl_ctx::engine());
    return BoundPrimitive(matmul(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}},
                          pd.scratchpad_desc());
}

// A [B, M, K], B [B, K, N] (stored [B, N, K] when transposed), C [B, M, N].
BatchedMatmulEntry make_entry(std::int64_t batch, std::int64_t m, std::int64_t k, std::int64_t n, bool transpose_b,
                              bool training, float scale) {
    BatchedMatmulEntry e;
    e.forward = make_matmul(md3(batch, m, k, tag::abc), md3(batch, k, n, transpose_b ? tag::acb : tag::abc),
                            md3(batch, m, n, tag::abc), scale);
    if (!training) return e;
    // op(B)ᵀ [B, N, K] is B's buffer read as stored when B is stored transposed, else read transposed.
    e.backward_a = make_matmul(md3(batch, m, n, tag::abc), md3(batch, n, k, transpose_b ? tag::abc : tag::acb),
                               md3(batch, m, k, tag::abc), scale);
    e.backward_b =
        transpose_b
            ? make_matmul(md3(batch, n, m, tag::acb), md3(batch, m, k, tag::abc), md3(batch, n, k, tag::abc), scale)
            : make_matmul(md3(batch, k, m, tag::acb), md3(batch, m, n, tag::abc), md3(batch, k, n, tag::abc), scale);
    return e;
}

BatchedMatmulEntry& entry(std::int64_t batch, std::int64_t m, std::int64_t k, std::int64_t n, bool transpose_b,
                          bool training, float scale) {
    static dnnl_ctx::PrimitiveCache<BatchedMatmulEntry> cache;
    const std::int64_t scale_bits = std::bit_cast<std::uint32_t>(scale);
    return cache.get(
        {static_cast<std::uint32_t>(OpKind::batched_matmul), {batch, m, k, n, transpose_b, training, scale_bits}},
        [&] { return make_entry(batch, m, k, n, transpose_b, training, scale); });
}

struct BatchedMatmulNode : Node {
    BatchedMatmulEntry* prims = nullptr;
    bool transpose_b = false;
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
    check_shapes(a.value(), b.value(), transpose_b);
    const std::int64_t batch = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(transpose_b ? 1 : 2);
    const bool graph = needs_graph({&a, &b});
    BatchedMatmulEntry& prims = entry(batch, m, k, n, transpose_b, graph, scale);
    Tensor c = Tensor::empty({batch, m, n});
    prims.forward.set(DNNL_ARG_SRC, a.value().data())
        .set(DNNL_ARG_WEIGHTS, b.value().data())
        .set(DNNL_ARG_DST, c.data())
        .run();
    return record<BatchedMatmulNode>(OpKind::batched_matmul, c, graph, {&a, &b}, [&](BatchedMatmulNode& node) {
        node.prims = &prims;
        node.transpose_b = transpose_b;
        node.save(a.value(), "a");
        node.save(b.value(), "b");
    });
}

void BatchedMatmulNode::backward(const Tensor& gout) {
    const Tensor& a = saved(0);
    const Tensor& b = saved(1);
    if (needs_grad(0)) {
        Tensor ga = Tensor::empty(a.shape());
        prims->backward_a.set(DNNL_ARG_SRC, gout.data())
            .set(DNNL_ARG_WEIGHTS, b.data())
            .set(DNNL_ARG_DST, ga.data())
            .run();
        accumulate_grad(*inputs[0], ga);
    }
    if (needs_grad(1)) {
        // Aᵀ·dC reads A as the source and dC as the weights; dCᵀ·A (B stored transposed) the other way round.
        Tensor gb = Tensor::empty(b.shape());
        prims->backward_b.set(DNNL_ARG_SRC, transpose_b ? gout.data() : a.data())
            .set(DNNL_ARG_WEIGHTS, transpose_b ? a.data() : gout.data())
            .set(DNNL_ARG_DST, gb.data())
            .run();
        accumulate_grad(*inputs[1], gb);
    }
}

}  // namespace lskd::ops
