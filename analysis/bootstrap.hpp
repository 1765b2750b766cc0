// The percentile bootstrap of docs/method.md §13, for statistics without a simple standard error (rank
// correlations, interpolated curves): deterministic given its seed, as lskd's Rng does not use <random>.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "analysis/statistics.hpp"

namespace lskd::analysis {

// The statistic evaluated on a resample, given as indices into the n units (drawn with replacement).
using ResampledStatistic = std::function<double(const std::vector<std::size_t>& units)>;

// estimate = statistic(0..n−1); [low, high] = the (1−level)/2 and (1+level)/2 quantiles (linear interpolation
// between order statistics) of the statistic over `resamples` resamples, those giving NaN left out. NaN bounds
// when fewer than half of the resamples give a number.
Interval bootstrap_interval(std::size_t n, const ResampledStatistic& statistic, std::uint64_t seed,
                            std::size_t resamples = 2000, double level = 0.95);

// The q-quantile of sorted values, interpolating linearly between order statistics (q·(n−1)).
double sorted_quantile(const std::vector<double>& sorted, double q);

}  // namespace lskd::analysis
