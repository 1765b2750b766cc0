#include "models/search_result.hpp"

#include <algorithm>

#include "framework/core/error.hpp"

namespace lskd::models {

std::int64_t SearchResult::size(std::int64_t source) const {
    if (source < 0 || source >= sources()) fail("search result: no source {} (of {})", source, sources());
    return first_[static_cast<std::size_t>(source) + 1] - first_[static_cast<std::size_t>(source)];
}

Hypothesis SearchResult::at(std::int64_t source, std::int64_t rank) const {
    if (rank < 0 || rank >= size(source))
        fail("search result: source {} has {} hypotheses, no rank {}", source, size(source), rank);
    const Entry& e = entries_[static_cast<std::size_t>(first_[static_cast<std::size_t>(source)] + rank)];
    const auto offset = static_cast<std::size_t>(e.offset), length = static_cast<std::size_t>(e.length);
    return {{tokens_.data() + offset, length}, {log_probs_.data() + offset, length + 1}, e.score, e.raw_score};
}

void SearchResult::reset(std::int64_t sources, std::int64_t max_hypotheses, std::int64_t max_tokens) {
    entries_.clear();
    tokens_.clear();
    log_probs_.clear();
    entries_.reserve(static_cast<std::size_t>(max_hypotheses));
    tokens_.reserve(static_cast<std::size_t>(max_tokens));
    log_probs_.reserve(static_cast<std::size_t>(max_tokens));
    first_.assign(static_cast<std::size_t>(sources) + 1, 0);
}

SearchResult::Slot SearchResult::add(std::int64_t source, std::int64_t length, float raw_score, float score) {
    const auto offset = tokens_.size(), count = static_cast<std::size_t>(length) + 1;
    entries_.push_back({source, static_cast<std::int64_t>(entries_.size()), static_cast<std::int64_t>(offset), length,
                        score, raw_score});
    tokens_.resize(offset + count);
    log_probs_.resize(offset + count);
    return {{tokens_.data() + offset, count}, {log_probs_.data() + offset, count}};
}

void SearchResult::rank() {
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
        if (a.source != b.source) return a.source < b.source;
        if (a.score != b.score) return a.score > b.score;
        return a.order < b.order;
    });
    for (const Entry& e : entries_) ++first_[static_cast<std::size_t>(e.source) + 1];
    for (std::size_t s = 1; s < first_.size(); ++s) first_[s] += first_[s - 1];
}

}  // namespace lskd::models
