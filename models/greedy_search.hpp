// Greedy search over any StepDecoder: each row takes its best eligible token (ties to the lower id) until EOS,
// which the maximum length forces. Same rules, scores and result as BeamSearch with beam 1 (beam_search.hpp), on
// a cheaper path: one row per source, no candidate lists, reorder() only when sources finish.
#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "framework/tensor/tensor.hpp"
#include "models/search_options.hpp"
#include "models/search_result.hpp"
#include "models/step_decoder.hpp"

namespace lskd::models {

class GreedySearch {
public:
    // options.beam is not used.
    explicit GreedySearch(const SearchOptions& options);
    // Decodes every source of the decoder; source_lengths[s] sets source s's maximum length. The result stays
    // valid until the next run; a run no larger than an earlier one allocates nothing.
    const SearchResult& run(StepDecoder& decoder, std::span<const std::int64_t> source_lengths);

private:
    void prepare(const StepDecoder& decoder, std::span<const std::int64_t> source_lengths);
    // The row's best eligible token and its log-probability; token -1 when none is finite.
    std::pair<std::int32_t, float> best_token(std::int64_t row, std::int64_t step) const;
    void finalise(std::int64_t source, std::int64_t length);

    SearchOptions options_;
    SearchResult result_;
    Tensor logits_;
    std::int64_t vocab_ = 0;
    std::vector<std::int64_t> max_length_, history_offset_;  // per source
    std::vector<float> score_;                               // per source
    std::vector<std::int32_t> history_tokens_;               // source s's at history_offset_[s]
    std::vector<float> history_log_probs_;
    std::vector<float> normalisers_;
    std::vector<std::int64_t> row_source_;
    std::vector<std::int32_t> parents_, tokens_;
};

}  // namespace lskd::models
