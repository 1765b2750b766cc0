// Levenshtein distance between two symbol sequences: the fewest insertions, deletions and substitutions, each
// costing 1, that turn one into the other.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace lskd::analysis {

std::int64_t edit_distance(std::span<const std::string> a, std::span<const std::string> b);
std::int64_t edit_distance(std::span<const int> a, std::span<const int> b);

}  // namespace lskd::analysis
