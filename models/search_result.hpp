// The n-best of every source a search decoded, best first, in flat storage that the next search reuses (no
// allocation once it has grown to a batch's size).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace lskd::models {

struct Hypothesis {
    std::span<const std::int32_t> tokens;    // the target tokens, without BOS and EOS
    std::span<const float> token_log_probs;  // log_softmax(z / T) of each token, then of EOS: tokens.size() + 1
    float score;                             // the normalised score the n-best is ranked by
    float raw_score;                         // Σ token_log_probs, summed in order
};

class SearchResult {
public:
    std::int64_t sources() const { return static_cast<std::int64_t>(first_.size()) - 1; }
    // Hypotheses of the source: at most the beam; none only when the decoder left no finite choice.
    std::int64_t size(std::int64_t source) const;
    // rank 0 is the best; ties keep the order in which the hypotheses ended.
    Hypothesis at(std::int64_t source, std::int64_t rank) const;
    Hypothesis best(std::int64_t source) const { return at(source, 0); }

    // For the searches. Empties the result for `sources` sources, keeping room for `max_hypotheses` hypotheses of
    // `max_tokens` tokens in all (EOS counted).
    void reset(std::int64_t sources, std::int64_t max_hypotheses, std::int64_t max_tokens);
    // A new hypothesis of `length` tokens (EOS not counted); the search fills its length + 1 tokens and
    // log-probabilities, EOS last.
    struct Slot {
        std::span<std::int32_t> tokens;
        std::span<float> log_probs;
    };
    Slot add(std::int64_t source, std::int64_t length, float raw_score, float score);
    // Ranks each source's hypotheses; called once, after the last add.
    void rank();

private:
    struct Entry {
        std::int64_t source, order, offset, length;
        float score, raw_score;
    };
    std::vector<Entry> entries_;
    std::vector<std::int64_t> first_ = {0};  // source s's entries are [first_[s], first_[s + 1])
    std::vector<std::int32_t> tokens_;
    std::vector<float> log_probs_;
};

}  // namespace lskd::models
