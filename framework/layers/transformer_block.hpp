// What the Transformer encoder and decoder layers share: their sizes and options, and the position-wise feed-forward
// block linear2(dropout(activation(linear1(x)))) of PyTorch's nn.TransformerEncoderLayer/DecoderLayer.
#pragma once
#include <cstdint>

#include "framework/layers/dropout.hpp"
#include "framework/layers/linear.hpp"

namespace lskd::nn {

enum class Activation { relu, gelu };

struct TransformerLayerOptions {
    std::int64_t dim = 128;  // d_model
    std::int64_t heads = 4;
    std::int64_t ffn = 512;  // dim_feedforward
    float dropout = 0.1f;
    Activation activation = Activation::relu;
};

// x [n, L, d] → [n, L, d].
Variable feed_forward(Linear& linear1, Dropout& dropout, Linear& linear2, Activation activation, const Variable& x);

}  // namespace lskd::nn
