#include "models/greedy_search.hpp"

#include <algorithm>
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"
#include "models/tempered_log_softmax.hpp"

namespace lskd::models {

GreedySearch::GreedySearch(const SearchOptions& options) : options_(options) { check_search_options(options_); }

void GreedySearch::prepare(const StepDecoder& decoder, std::span<const std::int64_t> source_lengths) {
    const std::int64_t sources = decoder.sources();
    if (static_cast<std::int64_t>(source_lengths.size()) != sources)
        fail("greedy search: {} source lengths for a decoder of {} sources", source_lengths.size(), sources);
    vocab_ = decoder.vocab_size();
    if (vocab_ <= data::kEosId)
        fail("greedy search: a vocabulary of {} tokens has no EOS (id {})", vocab_, data::kEosId);
    max_length_.resize(source_lengths.size());
    history_offset_.resize(source_lengths.size());
    std::int64_t tokens = 0;
    for (std::size_t s = 0; s < source_lengths.size(); ++s) {
        max_length_[s] = max_target_length(source_lengths[s], options_);
        history_offset_[s] = tokens;
        tokens += max_length_[s] + 1;
    }
    result_.reset(sources, sources, tokens);
    history_tokens_.resize(static_cast<std::size_t>(tokens));
    history_log_probs_.resize(static_cast<std::size_t>(tokens));
    score_.assign(source_lengths.size(), 0.0f);
    normalisers_.resize(source_lengths.size());
    parents_.clear();
    parents_.reserve(source_lengths.size());
    row_source_.clear();
    tokens_.clear();
    for (std::int64_t s = 0; s < sources; ++s) {
        row_source_.push_back(s);
        tokens_.push_back(data::kBosId);
    }
}

const SearchResult& GreedySearch::run(StepDecoder& decoder, std::span<const std::int64_t> source_lengths) {
    prepare(decoder, source_lengths);
    decoder.start(1);
    for (std::int64_t step = 0; !tokens_.empty(); ++step) {
        const auto rows = static_cast<std::int64_t>(tokens_.size());
        if (logits_.shape() != Shape{rows, vocab_}) logits_ = Tensor::empty({rows, vocab_});
        decoder.step(tokens_, logits_);
        tempered_log_normalisers(logits_, rows, vocab_, options_.temperature, normalisers_, step);
        parents_.clear();
        for (std::int64_t r = 0; r < rows; ++r) {
            const std::int64_t s = row_source_[static_cast<std::size_t>(r)];
            const auto [token, log_prob] = best_token(r, step);
            if (token < 0) continue;  // no finite choice: the source ends without a hypothesis
            const auto at = static_cast<std::size_t>(history_offset_[static_cast<std::size_t>(s)] + step);
            history_tokens_[at] = token;
            history_log_probs_[at] = log_prob;
            score_[static_cast<std::size_t>(s)] += log_prob;
            if (token == data::kEosId) {
                finalise(s, step);
                continue;
            }
            row_source_[parents_.size()] = s;
            tokens_[parents_.size()] = token;
            parents_.push_back(static_cast<std::int32_t>(r));
        }
        row_source_.resize(parents_.size());
        tokens_.resize(parents_.size());
        // Rows only ever drop out here, so the decoder needs telling only when some did.
        if (!tokens_.empty() && static_cast<std::int64_t>(tokens_.size()) < rows) decoder.reorder(parents_);
    }
    logits_ = Tensor();  // back to the pool, as any step's buffers, for the next run to draw again
    result_.rank();
    return result_;
}

// Compares the scores the beam compares (score + log-probability, rounded alike), so that ties and near-ties
// resolve as they do with beam 1.
std::pair<std::int32_t, float> GreedySearch::best_token(std::int64_t row, std::int64_t step) const {
    const std::int64_t s = row_source_[static_cast<std::size_t>(row)];
    const EligibleTokens eligible = eligible_tokens(step, max_length_[static_cast<std::size_t>(s)], options_);
    const float* z = logits_.data() + row * vocab_;
    const float score = score_[static_cast<std::size_t>(s)], normaliser = normalisers_[static_cast<std::size_t>(row)];
    std::int32_t best = -1;
    float best_value = -INFINITY, best_log_prob = 0.0f, top = -INFINITY;
    for (std::int32_t v = eligible.eos_only ? data::kEosId : 0; v < vocab_; ++v) {
        // A value grows with its logit, so a logit no larger than one already seen cannot win.
        if (z[v] > top && eligible.allows(v)) {
            top = std::max(top, z[v]);
            const float log_prob = z[v] / options_.temperature - normaliser;
            const float value = score + log_prob;
            if (value > best_value) best = v, best_value = value, best_log_prob = log_prob;
        }
        if (eligible.eos_only) break;
    }
    return {best, best_log_prob};
}

void GreedySearch::finalise(std::int64_t source, std::int64_t length) {
    const auto s = static_cast<std::size_t>(source);
    const SearchResult::Slot slot =
        result_.add(source, length, score_[s], normalised_score(score_[s], length + 1, options_));
    const auto from = static_cast<std::size_t>(history_offset_[s]), count = static_cast<std::size_t>(length) + 1;
    std::copy_n(history_tokens_.begin() + from, count, slot.tokens.begin());
    std::copy_n(history_log_probs_.begin() + from, count, slot.log_probs.begin());
}

}  // namespace lskd::models
