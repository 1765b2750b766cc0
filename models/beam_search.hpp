// Beam search over any StepDecoder, batched over its sources, with the finalisation and stopping rules of fairseq's
// SequenceGenerator (sequence_generator.py, BeamSearch in search.py):
// - All sources' hypotheses are one batch of rows, a block of `beam` rows per source (start(beam)), never more. At
//   step 0 they all hold BOS alone and only the first of each block is scored, as in fairseq.
// - Every step scores each (row, token) as the row's score + log_softmax(z / T) of the token, over the tokens
//   EligibleTokens allows (search_options.hpp), and keeps the source's best 2·beam candidates; ties go to the
//   lower token id, then to the lower parent row.
// - An EOS candidate among the first `beam` of them ends a hypothesis: it joins the source's finalised ones (while
//   fewer than `beam`), its score normalised by its length with EOS counted. The first `beam` other candidates
//   continue.
// - A source ends once `beam` hypotheses are finalised, or at its maximum length, where EOS is forced; its rows
//   then leave the batch through reorder(), so later steps cost less. Its n-best is its finalised hypotheses,
//   ranked by normalised score.
// Unlike fairseq: a source's maximum length follows its own length (not the batch's padded one), so a source
// decodes alike alone and in any batch; BOS is never chosen, like PAD. A source left with fewer than `beam` non-EOS
// candidates fills its block with copies of its first row that are never scored (fairseq ignores the EOS
// candidates it filled in with).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "framework/tensor/tensor.hpp"
#include "models/search_options.hpp"
#include "models/search_result.hpp"
#include "models/step_decoder.hpp"

namespace lskd::models {

class BeamSearch {
public:
    explicit BeamSearch(const SearchOptions& options);
    // Decodes every source of the decoder; source_lengths[s] sets source s's maximum length. The result stays
    // valid until the next run. Buffers are kept between runs: a run no larger than an earlier one allocates
    // nothing.
    const SearchResult& run(StepDecoder& decoder, std::span<const std::int64_t> source_lengths);

private:
    struct Node {  // one token of a hypothesis prefix; parent -1 marks a source's BOS root
        std::int64_t parent;
        std::int32_t token;
        float log_prob;
    };
    struct Candidate {
        float value, log_prob;
        std::int32_t token, row;
    };
    struct Group {  // a source's block of `beam` rows from begin; those before end are live
        std::int64_t source, begin, end;
    };

    void prepare(const StepDecoder& decoder, std::span<const std::int64_t> source_lengths);
    void select(const Group& group, std::int64_t step);
    float entry_floor(float score, float normaliser) const;
    bool consider(float value, float log_prob, std::int32_t token, std::int32_t row);
    void advance(const Group& group, std::int64_t step);
    void finalise(const Group& group, const Candidate& candidate, std::int64_t step);

    SearchOptions options_;
    SearchResult result_;
    Tensor logits_;
    std::int64_t vocab_ = 0;
    std::vector<std::int64_t> max_length_, finalised_;  // per source
    std::vector<float> normalisers_;                    // per row of the current step
    std::vector<Node> nodes_;
    std::vector<std::int64_t> row_node_, next_row_node_;
    std::vector<float> row_score_, next_row_score_;
    std::vector<Group> groups_, next_groups_;
    std::vector<std::int32_t> parents_, tokens_;
    std::vector<Candidate> candidates_;  // 2·beam, best first
    std::size_t candidate_count_ = 0;
};

}  // namespace lskd::models
