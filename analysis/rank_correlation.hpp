// Spearman's rank correlation, used by the claims to ask which teacher statistic ranks students best.
#pragma once
#include <vector>

namespace lskd::analysis {

// Ranks from 0, ties sharing their average rank.
std::vector<double> average_ranks(const std::vector<double>& values);

// Pearson's correlation of the average ranks; NaN for fewer than 3 pairs or a side with every value equal.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace lskd::analysis
