// nn::TransformerEncoderLayer: PyTorch's nn.TransformerEncoderLayer with norm_first=True (pre-LN, which trains stably
// without a warm-up on short CPU schedules) and batch_first=True:
//   x + dropout1(self_attn(norm1(x))), then x + dropout2(linear2(dropout(activation(linear1(norm2(x)))))).
// Parameter names and their order are PyTorch's: self_attn, linear1, linear2, norm1, norm2.
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

class TransformerEncoderLayer : public Module {
public:
    // Dropout masks are drawn from `seed` (each dropout of the layer its own stream).
    TransformerEncoderLayer(Rng& rng, const TransformerLayerOptions& options, std::uint64_t seed = 0);

    // x [n, L, d] with an additive key mask [n, 1 or L, L] (padding keys hidden) → [n, L, d].
    Variable encode(const Variable& x, const Tensor& mask);
    // Every key seen.
    Variable forward(const Variable& x) override;

private:
    std::shared_ptr<MultiheadAttention> self_attn_;
    std::shared_ptr<Linear> linear1_;
    std::shared_ptr<Dropout> dropout_;
    std::shared_ptr<Linear> linear2_;
    std::shared_ptr<LayerNorm> norm1_;
    std::shared_ptr<LayerNorm> norm2_;
    std::shared_ptr<Dropout> dropout1_;
    std::shared_ptr<Dropout> dropout2_;
    Activation activation_;
};

}  // namespace lskd::nn
