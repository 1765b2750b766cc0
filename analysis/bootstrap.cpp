#include "analysis/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"

namespace lskd::analysis {

double sorted_quantile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return std::nan("");
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(pos));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (pos - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

Interval bootstrap_interval(std::size_t n, const ResampledStatistic& statistic, std::uint64_t seed,
                            std::size_t resamples, double level) {
    if (!(level > 0.0 && level < 1.0)) fail("bootstrap: confidence level {} is outside (0, 1)", level);
    if (resamples == 0) fail("bootstrap: needs at least one resample");
    std::vector<std::size_t> units(n);
    std::iota(units.begin(), units.end(), 0);
    Interval out{statistic(units), std::nan(""), std::nan("")};
    if (n == 0) return out;
    Rng rng(seed);
    std::vector<double> values;
    for (std::size_t r = 0; r < resamples; ++r) {
        for (auto& u : units) u = static_cast<std::size_t>(rng.below(n));
        const double v = statistic(units);
        if (!std::isnan(v)) values.push_back(v);
    }
    if (2 * values.size() < resamples) return out;
    std::sort(values.begin(), values.end());
    out.low = sorted_quantile(values, 0.5 - 0.5 * level);
    out.high = sorted_quantile(values, 0.5 + 0.5 * level);
    return out;
}

}  // namespace lskd::analysis
