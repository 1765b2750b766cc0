// embedding: a gather of table rows, which oneDNN 2.6 has no primitive for. Forward copies one row per token, the
// tokens split over the threads. Backward scatter-adds into a zeroed [V, D] gradient split over the D columns in
// blocks of one cache line: each block is one thread's alone and walks the tokens in their order, so every
// element's sum is taken in the same order whatever the thread count, and the gradient is bit for bit the same.
#include <algorithm>
#include <array>
#include <cstring>

#include "framework/core/error.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::ops {
namespace {

constexpr std::int64_t kColumnBlock = 16;  // floats in a 64-byte cache line
// The node keeps the ids as float values, in a pooled tensor: exact below 2^24.
constexpr std::int64_t kMaxRows = std::int64_t{1} << 24;

struct EmbeddingNode : Node {
    Tensor ids;  // the token ids as floats, the op's own
    std::int64_t rows = 0, width = 0;
    void backward(const Tensor& gout) override;
};

void EmbeddingNode::backward(const Tensor& gout) {
    const std::int64_t n = ids.numel(), d = width;
    Tensor gtable = Tensor::empty({rows, d});
    float* g = gtable.data();
    runtime::parallel_for_chunks(rows * d,
                                 [&](std::int64_t begin, std::int64_t end) { std::fill(g + begin, g + end, 0.0f); });
    const float* gy = gout.data();
    const float* id = ids.data();
    runtime::parallel_for((d + kColumnBlock - 1) / kColumnBlock, [&](std::int64_t block) {
        const std::int64_t c0 = block * kColumnBlock, c1 = std::min(d, c0 + kColumnBlock);
        for (std::int64_t i = 0; i < n; ++i) {
            float* __restrict dst = g + static_cast<std::int64_t>(id[i]) * d;
            const float* __restrict src = gy + i * d;
            for (std::int64_t c = c0; c < c1; ++c) dst[c] += src[c];
        }
    });
    accumulate_grad(*inputs[0], gtable);
}

Shape output_shape(const Shape& ids_shape, std::int64_t d) {
    if (ids_shape.rank() >= Shape::kMaxRank)
        fail("embedding: ids shape {} has rank {}; at most {} (one more dimension is added)", ids_shape.str(),
             ids_shape.rank(), Shape::kMaxRank - 1);
    std::array<std::int64_t, Shape::kMaxRank> dims{};
    std::copy(ids_shape.dims().begin(), ids_shape.dims().end(), dims.begin());
    dims[static_cast<std::size_t>(ids_shape.rank())] = d;
    return Shape(std::span<const std::int64_t>(dims.data(), static_cast<std::size_t>(ids_shape.rank()) + 1));
}

}  // namespace

Variable embedding(const Variable& table, std::span<const std::int32_t> ids, const Shape& ids_shape) {
    if (!table.defined() || table.value().rank() != 2 || table.value().numel() == 0)
        fail("embedding: table must be a non-empty [V, D], got {}",
             table.defined() ? table.shape().str() : std::string("an undefined variable"));
    const std::int64_t v = table.dim(0), d = table.dim(1);
    if (v > kMaxRows) fail("embedding: table {} has more than {} rows", table.shape().str(), kMaxRows);
    const auto n = static_cast<std::int64_t>(ids.size());
    if (n == 0) fail("embedding: no ids given (ids shape {})", ids_shape.str());
    if (n != ids_shape.numel())
        fail("embedding: {} ids given for ids shape {} ({} ids)", n, ids_shape.str(), ids_shape.numel());
    for (std::int64_t i = 0; i < n; ++i)
        if (ids[static_cast<std::size_t>(i)] < 0 || ids[static_cast<std::size_t>(i)] >= v)
            fail("embedding: id {} at position {} is out of range for a table of V = {} rows",
                 ids[static_cast<std::size_t>(i)], i, v);

    Tensor y = Tensor::empty(output_shape(ids_shape, d));
    const float* t = table.value().data();
    float* out = y.data();
    runtime::parallel_for(n, [&](std::int64_t i) {
        std::memcpy(out + i * d, t + static_cast<std::int64_t>(ids[static_cast<std::size_t>(i)]) * d,
                    static_cast<std::size_t>(d) * sizeof(float));
    });
    return record<EmbeddingNode>(OpKind::embedding, std::move(y), needs_graph({&table}), {&table},
                                 [&](EmbeddingNode& node) {
                                     node.ids = Tensor::empty({n});
                                     for (std::int64_t i = 0; i < n; ++i)
                                         node.ids.at(i) = static_cast<float>(ids[static_cast<std::size_t>(i)]);
                                     node.rows = v;
                                     node.width = d;
                                 });
}

}  // namespace lskd::ops
