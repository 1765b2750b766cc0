#include "analysis/edit_distance.hpp"

#include <algorithm>
#include <vector>

namespace lskd::analysis {
namespace {

// One row of the dynamic programme at a time: row[j] is the distance between a[0, i) and b[0, j).
template <typename T>
std::int64_t levenshtein(std::span<const T> a, std::span<const T> b) {
    std::vector<std::int64_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<std::int64_t>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::int64_t diagonal = row[0];
        row[0] = static_cast<std::int64_t>(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::int64_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
        }
    }
    return row[b.size()];
}

}  // namespace

std::int64_t edit_distance(std::span<const std::string> a, std::span<const std::string> b) { return levenshtein(a, b); }
std::int64_t edit_distance(std::span<const int> a, std::span<const int> b) { return levenshtein(a, b); }

}  // namespace lskd::analysis
