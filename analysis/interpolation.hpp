// Linear interpolation of a curve sampled at increasing x: the LS-baseline accuracy at a student's γ
// (docs/method.md §13, equal-γ comparisons).
#pragma once
#include <vector>

namespace lskd::analysis {

// y at x, linear between the two neighbouring samples; NaN outside [xs.front(), xs.back()]. xs must be strictly
// increasing and as long as ys.
double interpolate_linear(const std::vector<double>& xs, const std::vector<double>& ys, double x);

}  // namespace lskd::analysis
