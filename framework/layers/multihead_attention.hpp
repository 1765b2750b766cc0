// nn::MultiheadAttention: PyTorch's nn.MultiheadAttention (batch first), with its parameter names and initialisation:
// in_proj_weight [3d, d] (xavier-uniform; rows of the query, key and value projections in that order), in_proj_bias
// [3d] (zeros), out_proj.weight [d, d] (Linear's default) and out_proj.bias (zeros). Heads are split with
// reshape + permute, scores are batched matmuls scaled by 1/√(d/H), and dropout acts on the attention weights.
#pragma once
#include <cstdint>
#include <memory>

#include "framework/core/random.hpp"
#include "framework/layers/dropout.hpp"
#include "framework/layers/linear.hpp"
#include "framework/layers/module.hpp"

namespace lskd::nn {

class MultiheadAttention : public Module {
public:
    MultiheadAttention(Rng& rng, std::int64_t dim, std::int64_t heads, float dropout = 0.0f, std::uint64_t seed = 0);

    // query [n, Lq, d] attending to memory [n, Lk, d] under an additive mask [n, 1 or Lq, Lk] (ops::masked_softmax's)
    // → [n, Lq, d].
    Variable attend(const Variable& query, const Variable& memory, const Tensor& mask);
    // Self-attention of x [n, L, d] with every key seen.
    Variable forward(const Variable& x) override;

    // The pieces a cached decoder runs one token at a time. x [N, d] → its query (0), key (1) or value (2) [N, d].
    Variable project(const Variable& x, int part);
    // Heads merged back [N, d] → out_proj.
    Variable output(const Variable& context) { return out_proj_->forward(context); }

    std::int64_t dim() const { return in_proj_weight_.dim(1); }
    std::int64_t heads() const { return heads_; }
    std::int64_t head_dim() const { return dim() / heads_; }

private:
    // [n·L, d] → [n·H, L, dh], and back.
    Variable split_heads(const Variable& x, std::int64_t n, std::int64_t length) const;
    Variable merge_heads(const Variable& x, std::int64_t n, std::int64_t length) const;

    Variable in_proj_weight_;
    Variable in_proj_bias_;
    std::shared_ptr<Linear> out_proj_;
    std::shared_ptr<Dropout> dropout_;
    std::int64_t heads_;
};

}  // namespace lskd::nn
