// Encoded examples → batches of int32 token matrices for a sequence model, row-major, PAD (0) past each row's end:
//   source        [rows, source_length]  the source ids, then EOS
//   decoder_input [rows, target_length]  BOS, then the target ids (teacher forcing's inputs)
//   target        [rows, target_length]  the target ids, then EOS (what each decoder position predicts)
// Batches group examples of similar length, as fairseq does: once, when the batcher is made, the examples are
// permuted by the seed, sorted by (target, source) length within chunks of that order, and cut in order into batches
// under a limit of rows and/or of padded tokens; every epoch then visits those batches in an order that is a pure
// function of (seed, epoch). So every epoch has the same number of batches (distill/task.hpp asks for it) and the
// batches' storage, reserved at its largest on first use, is reused with no allocation afterwards.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/data/encoded_corpus.hpp"

namespace lskd::data {

struct TokenBatchSpec {
    std::size_t max_sentences = 128;  // rows of a batch; 0 = no limit
    // rows × (the longest source or target row of the batch, EOS or BOS included), fairseq's max_tokens; 0 = no
    // limit. An example longer than the limit alone is a batch of its own.
    std::size_t max_tokens = 0;
    std::size_t chunk = 0;  // examples sorted by length together; 0 = all (the least padding)
    bool shuffle = true;    // false (evaluation): no permutation, batches in length order every epoch
    std::uint64_t seed = 0;
};

struct TokenBatch {
    std::int64_t rows = 0;
    std::int64_t source_length = 0;            // the longest source of the batch + 1 (EOS)
    std::int64_t target_length = 0;            // the longest target of the batch + 1 (EOS, or BOS in decoder_input)
    std::vector<std::int32_t> source;          // [rows, source_length]
    std::vector<std::int32_t> decoder_input;   // [rows, target_length]
    std::vector<std::int32_t> target;          // [rows, target_length]
    std::vector<std::int32_t> source_lengths;  // [rows], EOS included
    std::vector<std::int32_t> target_lengths;  // [rows], EOS included: the positions whose targets count
    std::vector<std::int64_t> indices;         // [rows], each row's position in the encoded examples
    std::int64_t target_tokens = 0;            // Σ target_lengths: the tokens a loss averages over
};

class TokenBatcher {
public:
    // Keeps a reference to `examples`, which must outlive the batcher. An Error for no examples or no limit.
    TokenBatcher(const std::vector<EncodedExample>& examples, const TokenBatchSpec& spec);

    std::size_t batches_per_epoch() const { return batch_starts_.size() - 1; }
    void begin_epoch(std::uint64_t epoch);
    // Fills `batch` with the epoch's next batch, in the storage it already has once that has been reserved by a
    // first call; false at the end of the epoch.
    bool next(TokenBatch& batch);

private:
    void make_plan();
    void fill(std::size_t first, std::size_t last, TokenBatch& batch) const;

    const std::vector<EncodedExample>& examples_;
    TokenBatchSpec spec_;
    std::vector<std::size_t> plan_;          // example positions, batch after batch
    std::vector<std::size_t> batch_starts_;  // batch b is plan_[batch_starts_[b], batch_starts_[b + 1])
    std::vector<std::size_t> batch_order_;   // the epoch's order of batches
    std::size_t cursor_ = 0;
    bool started_ = false;
    std::size_t max_rows_ = 0;  // the largest batch's storage, reserved in every TokenBatch filled
    std::size_t max_source_cells_ = 0;
    std::size_t max_target_cells_ = 0;
};

}  // namespace lskd::data
