#include "analysis/interpolation.hpp"

#include <algorithm>
#include <cmath>

#include "framework/core/error.hpp"

namespace lskd::analysis {

double interpolate_linear(const std::vector<double>& xs, const std::vector<double>& ys, double x) {
    if (xs.size() != ys.size()) fail("interpolation: {} x values but {} y values", xs.size(), ys.size());
    for (std::size_t i = 1; i < xs.size(); ++i)
        if (!(xs[i] > xs[i - 1])) fail("interpolation: x values must increase strictly ({} then {})", xs[i - 1], xs[i]);
    if (xs.empty() || std::isnan(x) || x < xs.front() || x > xs.back()) return std::nan("");
    const auto hi = static_cast<std::size_t>(std::lower_bound(xs.begin(), xs.end(), x) - xs.begin());
    if (xs[hi] == x) return ys[hi];
    const std::size_t lo = hi - 1;
    const double w = (x - xs[lo]) / (xs[hi] - xs[lo]);
    return (1.0 - w) * ys[lo] + w * ys[hi];
}

}  // namespace lskd::analysis
