// What greedy and beam search (models/beam_search.hpp) drive: a decoder that extends a batch of hypothesis rows by
// one token per step, keeping per-row state (a Transformer's key/value cache) so that a step costs one token's work.
#pragma once
#include <cstdint>
#include <span>

#include "framework/tensor/tensor.hpp"

namespace lskd::models {

class StepDecoder {
public:
    virtual ~StepDecoder() = default;
    // Sources being decoded (fixed when the decoder is made).
    virtual std::int64_t sources() const = 0;
    virtual std::int32_t vocab_size() const = 0;
    // Starts every source afresh with `rows_per_source` hypothesis rows each (row r belongs to source
    // r / rows_per_source), their histories empty.
    virtual void start(std::int64_t rows_per_source) = 0;
    // Appends tokens[r] to row r's history and writes the logits of row r's next token into logits, which the
    // search passes shaped [rows, V] (before any temperature: the search divides by T and takes the log-softmax).
    virtual void step(std::span<const std::int32_t> tokens, Tensor& logits) = 0;
    // Keeps the rows `parents`: new row r continues old row parents[r] (rows duplicate or drop as beams do), its
    // whole history and cache; the number of rows may shrink (finished sources), never grow past start()'s.
    virtual void reorder(std::span<const std::int32_t> parents) = 0;
};

}  // namespace lskd::models
