#include "framework/layers/transformer_decoder_layer.hpp"

#include "framework/ops/ops.hpp"

namespace lskd::nn {

TransformerDecoderLayer::TransformerDecoderLayer(Rng& rng, const TransformerLayerOptions& o, std::uint64_t seed)
    : activation_(o.activation) {
    self_attn_ = register_module(
        "self_attn", std::make_shared<MultiheadAttention>(rng, o.dim, o.heads, o.dropout, hash_keys(seed, {0})));
    multihead_attn_ = register_module(
        "multihead_attn", std::make_shared<MultiheadAttention>(rng, o.dim, o.heads, o.dropout, hash_keys(seed, {1})));
    linear1_ = register_module("linear1", std::make_shared<Linear>(rng, o.dim, o.ffn));
    dropout_ = register_module("dropout", std::make_shared<Dropout>(o.dropout, hash_keys(seed, {2})));
    linear2_ = register_module("linear2", std::make_shared<Linear>(rng, o.ffn, o.dim));
    norm1_ = register_module("norm1", std::make_shared<LayerNorm>(o.dim));
    norm2_ = register_module("norm2", std::make_shared<LayerNorm>(o.dim));
    norm3_ = register_module("norm3", std::make_shared<LayerNorm>(o.dim));
    dropout1_ = register_module("dropout1", std::make_shared<Dropout>(o.dropout, hash_keys(seed, {3})));
    dropout2_ = register_module("dropout2", std::make_shared<Dropout>(o.dropout, hash_keys(seed, {4})));
    dropout3_ = register_module("dropout3", std::make_shared<Dropout>(o.dropout, hash_keys(seed, {5})));
}

Variable TransformerDecoderLayer::feed_forward(const Variable& x) {
    return nn::feed_forward(*linear1_, *dropout_, *linear2_, activation_, x);
}

Variable TransformerDecoderLayer::decode(const Variable& x, const Variable& memory, const Tensor& self_mask,
                                         const Tensor& memory_mask) {
    const Variable normed = norm1_->forward(x);
    const Variable h1 = ops::add(x, dropout1_->forward(self_attn_->attend(normed, normed, self_mask)));
    const Variable h2 =
        ops::add(h1, dropout2_->forward(multihead_attn_->attend(norm2_->forward(h1), memory, memory_mask)));
    return ops::add(h2, dropout3_->forward(feed_forward(norm3_->forward(h2))));
}

Variable TransformerDecoderLayer::forward(const Variable& x) {
    return decode(x, x, causal_mask(x.dim(0), x.dim(1)), Tensor::zeros({x.dim(0), 1, x.dim(1)}));
}

Tensor causal_mask(std::int64_t n, std::int64_t length) {
    Tensor mask = Tensor::empty({n, length, length});
    float* out = mask.data();
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t i = 0; i < length; ++i)
            for (std::int64_t j = 0; j < length; ++j) *out++ = j <= i ? 0.0f : -1e9f;
    return mask;
}

}  // namespace lskd::nn
