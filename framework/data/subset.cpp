#include "framework/data/subset.hpp"

#include <algorithm>
#include <tuple>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/image_set.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {
namespace {

struct Ranked {
    std::size_t rank;  // place within its class
    std::int32_t label;
    std::size_t position;
};

std::vector<Ranked> rank_within_classes(std::span<const std::int32_t> labels, int num_classes, std::uint64_t seed) {
    std::vector<std::vector<std::pair<std::uint64_t, std::size_t>>> by_class(static_cast<std::size_t>(num_classes));
    for (std::size_t p = 0; p < labels.size(); ++p) {
        const std::int32_t y = labels[p];
        if (y < 0 || y >= num_classes) fail("label {} at position {} is outside [0, {})", y, p, num_classes);
        by_class[static_cast<std::size_t>(y)].emplace_back(hash_keys(seed, {stream::subset, p}), p);
    }
    std::vector<Ranked> ranked;
    ranked.reserve(labels.size());
    for (auto& members : by_class) {
        std::sort(members.begin(), members.end());
        for (std::size_t r = 0; r < members.size(); ++r)
            ranked.push_back({r, labels[members[r].second], members[r].second});
    }
    return ranked;
}

}  // namespace

std::vector<std::size_t> stratified_subset(std::span<const std::int32_t> labels, int num_classes,
                                           std::size_t k_per_class, std::uint64_t seed) {
    const std::vector<Ranked> ranked = rank_within_classes(labels, num_classes, seed);
    const std::vector<std::size_t> counts = class_counts(labels, num_classes);
    for (int c = 0; c < num_classes; ++c)
        if (counts[static_cast<std::size_t>(c)] < k_per_class)
            fail("stratified subset of {} per class: class {} has only {} examples", k_per_class, c,
                 counts[static_cast<std::size_t>(c)]);
    std::vector<std::size_t> chosen;
    for (const Ranked& r : ranked)
        if (r.rank < k_per_class) chosen.push_back(r.position);
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

std::vector<std::size_t> balanced_subset(std::span<const std::int32_t> labels, int num_classes, std::size_t n,
                                         std::uint64_t seed) {
    std::vector<Ranked> ranked = rank_within_classes(labels, num_classes, seed);
    // Round robin: every class's first-ranked example, then every class's second, and so on.
    std::sort(ranked.begin(), ranked.end(),
              [](const Ranked& a, const Ranked& b) { return std::tie(a.rank, a.label) < std::tie(b.rank, b.label); });
    ranked.resize(std::min(n, ranked.size()));
    std::vector<std::size_t> chosen;
    chosen.reserve(ranked.size());
    for (const Ranked& r : ranked) chosen.push_back(r.position);
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

}  // namespace lskd::data
