// Seeded, class-stratified subsets of a labelled set, returned as sorted positions. Each class's examples are
// ranked by a hash of (seed, position), so the subset with k per class is contained in the one with k+1.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lskd::data {

// Exactly k examples of every class in [0, num_classes); throws lskd::Error if a class has fewer.
std::vector<std::size_t> stratified_subset(std::span<const std::int32_t> labels, int num_classes,
                                           std::size_t k_per_class, std::uint64_t seed);

// n examples spread over the classes as evenly as their sizes allow (all of them when n >= labels.size()).
std::vector<std::size_t> balanced_subset(std::span<const std::int32_t> labels, int num_classes, std::size_t n,
                                         std::uint64_t seed);

}  // namespace lskd::data
