#include "models/beam_search.hpp"

#include <cmath>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/data/vocabulary.hpp"
#include "models/tempered_log_softmax.hpp"

namespace lskd::models {

namespace {

// The candidate order: higher value, then lower token id, then lower parent row.
template <typename C>
bool ranks_before(const C& a, const C& b) {
    if (a.value != b.value) return a.value > b.value;
    if (a.token != b.token) return a.token < b.token;
    return a.row < b.row;
}

}  // namespace

BeamSearch::BeamSearch(const SearchOptions& options) : options_(options) { check_search_options(options_); }

void BeamSearch::prepare(const StepDecoder& decoder, std::span<const std::int64_t> source_lengths) {
    const std::int64_t sources = decoder.sources(), beam = options_.beam;
    if (static_cast<std::int64_t>(source_lengths.size()) != sources)
        fail("beam search: {} source lengths for a decoder of {} sources", source_lengths.size(), sources);
    vocab_ = decoder.vocab_size();
    if (vocab_ <= data::kEosId) fail("beam search: a vocabulary of {} tokens has no EOS (id {})", vocab_, data::kEosId);
    max_length_.resize(source_lengths.size());
    std::int64_t tokens = 0;
    for (std::size_t s = 0; s < source_lengths.size(); ++s) {
        max_length_[s] = max_target_length(source_lengths[s], options_);
        tokens += beam * (max_length_[s] + 1);
    }
    const auto rows = static_cast<std::size_t>(sources * beam);
    result_.reset(sources, sources * beam, tokens);
    nodes_.clear();
    nodes_.reserve(static_cast<std::size_t>(sources + tokens));
    for (auto* v : {&row_node_, &next_row_node_}) v->clear(), v->reserve(rows);
    for (auto* v : {&row_score_, &next_row_score_}) v->clear(), v->reserve(rows);
    for (auto* v : {&parents_, &tokens_}) v->clear(), v->reserve(rows);
    groups_.clear();
    next_groups_.clear();
    next_groups_.reserve(static_cast<std::size_t>(sources));
    normalisers_.resize(rows);
    candidates_.resize(static_cast<std::size_t>(2 * beam));
    finalised_.assign(source_lengths.size(), 0);
    for (std::int64_t s = 0; s < sources; ++s) {
        nodes_.push_back({-1, data::kBosId, 0.0f});
        groups_.push_back({s, s * beam, s * beam + 1});
        for (std::int64_t k = 0; k < beam; ++k) {
            row_node_.push_back(s);
            row_score_.push_back(0.0f);
            tokens_.push_back(data::kBosId);
        }
    }
}

const SearchResult& BeamSearch::run(StepDecoder& decoder, std::span<const std::int64_t> source_lengths) {
    prepare(decoder, source_lengths);
    decoder.start(options_.beam);
    for (std::int64_t step = 0; !groups_.empty(); ++step) {
        const auto rows = static_cast<std::int64_t>(tokens_.size());
        if (logits_.shape() != Shape{rows, vocab_}) logits_ = Tensor::empty({rows, vocab_});
        decoder.step(tokens_, logits_);
        tempered_log_normalisers(logits_, rows, vocab_, options_.temperature, normalisers_, step);
        next_row_node_.clear();
        next_row_score_.clear();
        next_groups_.clear();
        parents_.clear();
        tokens_.clear();
        for (const Group& group : groups_) {
            select(group, step);
            advance(group, step);
        }
        std::swap(row_node_, next_row_node_);
        std::swap(row_score_, next_row_score_);
        std::swap(groups_, next_groups_);
        if (!groups_.empty()) decoder.reorder(parents_);
    }
    logits_ = Tensor();  // back to the pool, as any step's buffers, for the next run to draw again
    result_.rank();
    return result_;
}

void BeamSearch::select(const Group& group, std::int64_t step) {
    const EligibleTokens eligible =
        eligible_tokens(step, max_length_[static_cast<std::size_t>(group.source)], options_);
    const float temperature = options_.temperature;
    candidate_count_ = 0;
    for (std::int64_t r = group.begin; r < group.end; ++r) {
        const float* z = logits_.data() + r * vocab_;
        const float score = row_score_[static_cast<std::size_t>(r)];
        const float normaliser = normalisers_[static_cast<std::size_t>(r)];
        const auto candidate = [&](std::int32_t v) {
            const float log_prob = z[v] / temperature - normaliser;
            return consider(score + log_prob, log_prob, v, static_cast<std::int32_t>(r));
        };
        if (eligible.eos_only) {
            candidate(data::kEosId);
            continue;
        }
        float floor = entry_floor(score, normaliser);
        for (std::int32_t v = 0; v < vocab_; ++v)
            if (z[v] >= floor && eligible.allows(v) && candidate(v)) floor = entry_floor(score, normaliser);
    }
}

// A value grows with its logit (division by T, subtraction and addition are each monotone in float), so a logit
// whose value is below the last candidate's leaves every smaller logit out too: the scan skips those with one
// comparison. The floor is the logit that would tie the last candidate, lowered for rounding, and used only when
// its value is indeed below.
float BeamSearch::entry_floor(float score, float normaliser) const {
    if (candidate_count_ < candidates_.size()) return -INFINITY;
    const float last = candidates_.back().value, temperature = options_.temperature;
    const float tie = (last - score + normaliser) * temperature;
    const float floor = tie - (std::abs(tie) * 1e-4f + 1e-6f);
    return score + (floor / temperature - normaliser) < last ? floor : -INFINITY;
}

// Inserts the candidate into the sorted best 2·beam if it belongs there (a -inf one, a masked token, never does);
// true if it did.
bool BeamSearch::consider(float value, float log_prob, std::int32_t token, std::int32_t row) {
    if (!std::isfinite(value)) return false;
    const Candidate c{value, log_prob, token, row};
    std::size_t at = candidate_count_;
    if (at == candidates_.size()) {
        if (!ranks_before(c, candidates_[at - 1])) return false;
        --at;
    } else {
        ++candidate_count_;
    }
    for (; at > 0 && ranks_before(c, candidates_[at - 1]); --at) candidates_[at] = candidates_[at - 1];
    candidates_[at] = c;
    return true;
}

// Finalises the EOS candidates among the first `beam`, then, unless the source is done, continues the first `beam`
// others.
void BeamSearch::advance(const Group& group, std::int64_t step) {
    const std::int64_t beam = options_.beam;
    const auto source = static_cast<std::size_t>(group.source);
    for (std::size_t i = 0; i < candidate_count_ && static_cast<std::int64_t>(i) < beam; ++i)
        if (candidates_[i].token == data::kEosId && finalised_[source] < beam) finalise(group, candidates_[i], step);
    if (finalised_[source] == beam || step >= max_length_[source]) return;
    const auto begin = static_cast<std::int64_t>(tokens_.size());
    std::int64_t kept = 0;
    for (std::size_t i = 0; i < candidate_count_ && kept < beam; ++i) {
        const Candidate& c = candidates_[i];
        if (c.token == data::kEosId) continue;
        nodes_.push_back({row_node_[static_cast<std::size_t>(c.row)], c.token, c.log_prob});
        next_row_node_.push_back(static_cast<std::int64_t>(nodes_.size()) - 1);
        next_row_score_.push_back(c.value);
        parents_.push_back(c.row);
        tokens_.push_back(c.token);
        ++kept;
    }
    if (kept == 0) return;
    next_groups_.push_back({group.source, begin, begin + kept});
    // Fewer than `beam` continue only when the step had fewer than 2·beam finite candidates (tiny vocabularies,
    // masked tokens). The other rows of the source's block repeat its first and are never scored, as fairseq
    // keeps them too: the decoder's rows never grow back.
    const auto first = static_cast<std::size_t>(begin);
    for (std::int64_t k = kept; k < beam; ++k) {
        const std::int64_t node = next_row_node_[first];
        const float score = next_row_score_[first];
        const std::int32_t parent = parents_[first], token = tokens_[first];
        next_row_node_.push_back(node);
        next_row_score_.push_back(score);
        parents_.push_back(parent);
        tokens_.push_back(token);
    }
}

// Writes the hypothesis ending in the EOS candidate into the result, walking its prefix back to the root.
void BeamSearch::finalise(const Group& group, const Candidate& candidate, std::int64_t step) {
    const std::int64_t length = step;  // tokens before EOS
    const SearchResult::Slot slot =
        result_.add(group.source, length, candidate.value, normalised_score(candidate.value, length + 1, options_));
    slot.tokens[static_cast<std::size_t>(length)] = data::kEosId;
    slot.log_probs[static_cast<std::size_t>(length)] = candidate.log_prob;
    std::int64_t node = row_node_[static_cast<std::size_t>(candidate.row)];
    for (std::int64_t i = length - 1; i >= 0; --i) {
        const Node& n = nodes_[static_cast<std::size_t>(node)];
        slot.tokens[static_cast<std::size_t>(i)] = n.token;
        slot.log_probs[static_cast<std::size_t>(i)] = n.log_prob;
        node = n.parent;
    }
    ++finalised_[static_cast<std::size_t>(group.source)];
}

}  // namespace lskd::models
