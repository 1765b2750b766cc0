#include "framework/layers/multihead_attention.hpp"

#include <cmath>

#include "framework/core/error.hpp"
#include "framework/layers/init.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::nn {

MultiheadAttention::MultiheadAttention(Rng& rng, std::int64_t dim, std::int64_t heads, float dropout,
                                       std::uint64_t seed)
    : heads_(heads) {
    if (dim <= 0 || heads <= 0 || dim % heads != 0)
        fail("MultiheadAttention: dimension {} is not a positive multiple of the {} heads", dim, heads);
    Tensor w = Tensor::empty({3 * dim, dim});
    init::xavier_uniform_(w, rng);
    in_proj_weight_ = register_parameter("in_proj_weight", w, ParamKind::weight);
    in_proj_bias_ = register_parameter("in_proj_bias", Tensor::zeros({3 * dim}), ParamKind::bias);
    out_proj_ = register_module("out_proj", std::make_shared<Linear>(rng, dim, dim));
    out_proj_->bias().value().fill(0.0f);
    dropout_ = register_module("dropout", std::make_shared<Dropout>(dropout, seed));
}

Variable MultiheadAttention::project(const Variable& x, int part) {
    const std::int64_t d = dim();
    return ops::linear(x, ops::narrow(in_proj_weight_, part * d, (part + 1) * d),
                       ops::narrow(in_proj_bias_, part * d, (part + 1) * d));
}

Variable MultiheadAttention::split_heads(const Variable& x, std::int64_t n, std::int64_t length) const {
    const Variable heads = ops::permute(ops::reshape(x, {n, length, heads_, head_dim()}), {0, 2, 1, 3});
    return ops::reshape(heads, {n * heads_, length, head_dim()});
}

Variable MultiheadAttention::merge_heads(const Variable& x, std::int64_t n, std::int64_t length) const {
    const Variable rows = ops::permute(ops::reshape(x, {n, heads_, length, head_dim()}), {0, 2, 1, 3});
    return ops::reshape(rows, {n * length, dim()});
}

Variable MultiheadAttention::attend(const Variable& query, const Variable& memory, const Tensor& mask) {
    const std::int64_t n = query.dim(0), lq = query.dim(1), lk = memory.dim(1), d = dim();
    if (query.shape().rank() != 3 || memory.shape().rank() != 3 || query.dim(2) != d || memory.dim(2) != d ||
        memory.dim(0) != n)
        fail("MultiheadAttention: query {} and memory {} are not [n, L, {}] of one batch", query.shape().str(),
             memory.shape().str(), d);
    const Variable q2 = ops::reshape(query, {n * lq, d}), m2 = ops::reshape(memory, {n * lk, d});
    const Variable q = split_heads(project(q2, 0), n, lq);
    const Variable k = split_heads(project(m2, 1), n, lk);
    const Variable v = split_heads(project(m2, 2), n, lk);
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim()));
    const Variable scores = ops::reshape(ops::batched_matmul(q, k, true, scale), {n, heads_, lq, lk});
    const Variable weights = dropout_->forward(ops::masked_softmax(scores, mask));
    const Variable context = ops::batched_matmul(ops::reshape(weights, {n * heads_, lq, lk}), v);
    return ops::reshape(output(merge_heads(context, n, lq)), {n, lq, d});
}

Variable MultiheadAttention::forward(const Variable& x) { return attend(x, x, Tensor::zeros({x.dim(0), 1, x.dim(1)})); }

}  // namespace lskd::nn
