// nn::TransformerDecoderLayer: PyTorch's nn.TransformerDecoderLayer with norm_first=True (pre-LN) and batch_first:
//   x + dropout1(self_attn(norm1(x))) under the causal mask, then x + dropout2(multihead_attn(norm2(x), memory)),
//   then x + dropout3(linear2(dropout(activation(linear1(norm3(x)))))).
// Parameter names and their order are PyTorch's: self_attn, multihead_attn, linear1, linear2, norm1, norm2, norm3.
// The sublayers are reachable one by one, for a decoder that runs one token at a time with cached keys and values.
#pragma once
#include <cstdint>
#include <memory>

#include "framework/core/random.hpp"
#include "framework/layers/dropout.hpp"
#include "framework/layers/layer_norm.hpp"
#include "framework/layers/linear.hpp"
#include "framework/layers/multihead_attention.hpp"
#include "framework/layers/transformer_block.hpp"

namespace lskd::nn {

class TransformerDecoderLayer : public Module {
public:
    TransformerDecoderLayer(Rng& rng, const TransformerLayerOptions& options, std::uint64_t seed = 0);

    // x [n, Lt, d] under self_mask [n, 1 or Lt, Lt] (causal), attending to memory [n, Ls, d] under memory_mask
    // [n, 1 or Lt, Ls] (source padding) → [n, Lt, d].
    Variable decode(const Variable& x, const Variable& memory, const Tensor& self_mask, const Tensor& memory_mask);
    // Self-attention to itself under the causal mask, with x itself as memory and every memory key seen.
    Variable forward(const Variable& x) override;

    MultiheadAttention& self_attn() { return *self_attn_; }
    MultiheadAttention& multihead_attn() { return *multihead_attn_; }
    LayerNorm& norm1() { return *norm1_; }
    LayerNorm& norm2() { return *norm2_; }
    LayerNorm& norm3() { return *norm3_; }
    // The feed-forward block on x [n, L, d], without norm3 and the residual.
    Variable feed_forward(const Variable& x);

private:
    std::shared_ptr<MultiheadAttention> self_attn_;
    std::shared_ptr<MultiheadAttention> multihead_attn_;
    std::shared_ptr<Linear> linear1_;
    std::shared_ptr<Dropout> dropout_;
    std::shared_ptr<Linear> linear2_;
    std::shared_ptr<LayerNorm> norm1_;
    std::shared_ptr<LayerNorm> norm2_;
    std::shared_ptr<LayerNorm> norm3_;
    std::shared_ptr<Dropout> dropout1_;
    std::shared_ptr<Dropout> dropout2_;
    std::shared_ptr<Dropout> dropout3_;
    Activation activation_;
};

// The additive causal mask [n, L, L]: 0 where key j ≤ query i, −1e9 after it.
Tensor causal_mask(std::int64_t n, std::int64_t length);

}  // namespace lskd::nn
