#include "framework/layers/transformer_encoder_layer.hpp"

#include "framework/ops/ops.hpp"

namespace lskd::nn {

TransformerEncoderLayer::TransformerEncoderLayer(Rng& rng, const TransformerLayerOptions& o, std::uint64_t seed)
    : activation_(o.activation) {
    self_attn_ = register_module(
        "self_attn", std::make_shared<MultiheadAttention>(rng, o.dim, o.heads, o.dropout, hash_keys(seed, {0})));
    linear1_ = register_module("linear1", std::make_shared<Linear>(rng, o.dim, o.ffn));
    dropout_ = register_module("dropout", std::make_shared<Dropout>(o.dropout, hash_keys(seed, {1})));
    linear2_ = register_module("linear2", std::make_shared<Linear>(rng, o.ffn, o.dim));
    norm1_ = register_module("norm1", std::make_shared<LayerNorm>(o.dim));
    norm2_ = register_module("norm2", std::make_shared<LayerNorm>(o.dim));
    dropout1_ = register_module("dropout1", std::make_shared<Dropout>(o.dropout, hash_keys(seed, {2})));
    dropout2_ = register_module("dropout2", std::make_shared<Dropout>(o.dropout, hash_keys(seed, {3})));
}

Variable TransformerEncoderLayer::encode(const Variable& x, const Tensor& mask) {
    const Variable normed = norm1_->forward(x);
    const Variable attended = ops::add(x, dropout1_->forward(self_attn_->attend(normed, normed, mask)));
    const Variable ff = feed_forward(*linear1_, *dropout_, *linear2_, activation_, norm2_->forward(attended));
    return ops::add(attended, dropout2_->forward(ff));
}

Variable TransformerEncoderLayer::forward(const Variable& x) {
    return encode(x, Tensor::zeros({x.dim(0), 1, x.dim(1)}));
}

}  // namespace lskd::nn
