// models::TransformerStepDecoder: the StepDecoder of a Transformer in inference mode (no graph). The sources are
// encoded once, and each decoder layer's cross-attention keys and values of them computed once; each layer keeps the
// self-attention keys and values of every row's history in caches [rows, H, max_length, dh] made at start(), so a
// step runs one token per row through the decoder and allocates no cache.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "framework/tensor/tensor.hpp"
#include "models/step_decoder.hpp"
#include "models/transformer.hpp"

namespace lskd::models {

class TransformerStepDecoder : public StepDecoder {
public:
    // The model must be in eval mode and outlive the decoder; histories hold at most max_length tokens (BOS included).
    TransformerStepDecoder(Transformer& model, const TokenBatch& sources, std::int64_t max_length);

    std::int64_t sources() const override { return sources_; }
    std::int32_t vocab_size() const override { return static_cast<std::int32_t>(model_.target_vocab()); }
    void start(std::int64_t rows_per_source) override;
    void step(std::span<const std::int32_t> tokens, Tensor& logits) override;
    void reorder(std::span<const std::int32_t> parents) override;

private:
    struct LayerCache {
        Tensor cross_keys;                // [S, H, Ls, dh]
        Tensor cross_values;              // [S, H, Ls, dh]
        std::vector<float> keys, values;  // [capacity, H, max_length, dh], each row's history
    };

    // One layer's self-attention for the new token of each row: appends its key and value, attends to the history.
    Variable self_attention(std::int64_t layer, const Variable& x);
    Variable cross_attention(std::int64_t layer, const Variable& x);
    // context [rows, d] of queries q [rows, d] over `keys` per (row, head) blocks; `source_of_row` picks the block.
    void attend(const Tensor& q, const float* keys, const float* values, std::int64_t block_keys,
                std::int64_t visible_keys, bool by_source, Tensor& context);

    Transformer& model_;
    std::int64_t sources_, source_length_, max_length_;
    std::int64_t heads_, head_dim_;
    std::vector<float> source_mask_;  // [S, Ls]: 0 or −1e9, as the full forward's padding mask
    std::vector<LayerCache> layers_;
    std::vector<float> spare_;  // reorder's target for one cache, swapped in
    std::vector<std::int64_t> row_source_, spare_rows_;
    std::vector<float> scores_;
    std::int64_t rows_ = 0, capacity_ = 0, length_ = 0;
};

}  // namespace lskd::models
