#include "analysis/statistics.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/student_t.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {
namespace {

const double kNaN = std::nan("");

void check_level(double level) {
    if (!(level > 0.0 && level < 1.0)) fail("interval: confidence level {} is outside (0, 1)", level);
}

}  // namespace

GroupSummary summarize(const std::vector<double>& values) {
    GroupSummary s;
    s.n = values.size();
    if (values.empty()) {
        s.mean = s.stddev = s.min = s.max = kNaN;
        return s;
    }
    double sum = 0;
    for (double v : values) sum += v;
    s.mean = sum / static_cast<double>(s.n);
    double squares = 0;
    for (double v : values) squares += (v - s.mean) * (v - s.mean);
    s.stddev = s.n < 2 ? kNaN : std::sqrt(squares / static_cast<double>(s.n - 1));
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    s.min = *lo;
    s.max = *hi;
    return s;
}

bool Interval::defined() const { return !std::isnan(low) && !std::isnan(high); }

Interval mean_interval(const std::vector<double>& values, double level) {
    check_level(level);
    const GroupSummary s = summarize(values);
    if (s.n < 2) return {s.mean, kNaN, kNaN};
    const double half = student_t_quantile(0.5 + 0.5 * level, static_cast<double>(s.n - 1)) * s.stddev /
                        std::sqrt(static_cast<double>(s.n));
    return {s.mean, s.mean - half, s.mean + half};
}

Interval paired_interval(const std::vector<double>& a, const std::vector<double>& b, double level) {
    if (a.size() != b.size())
        fail("paired interval: the two groups have {} and {} values; pairing needs the same seeds", a.size(), b.size());
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
    return mean_interval(d, level);
}

Interval welch_interval(const std::vector<double>& a, const std::vector<double>& b, double level) {
    check_level(level);
    const GroupSummary sa = summarize(a), sb = summarize(b);
    const double estimate = sa.mean - sb.mean;
    if (sa.n < 2 || sb.n < 2) return {estimate, kNaN, kNaN};
    const double va = sa.stddev * sa.stddev / static_cast<double>(sa.n);
    const double vb = sb.stddev * sb.stddev / static_cast<double>(sb.n);
    if (va + vb == 0.0) return {estimate, estimate, estimate};
    const double dof =
        (va + vb) * (va + vb) / (va * va / static_cast<double>(sa.n - 1) + vb * vb / static_cast<double>(sb.n - 1));
    const double half = student_t_quantile(0.5 + 0.5 * level, dof) * std::sqrt(va + vb);
    return {estimate, estimate - half, estimate + half};
}

double binomial_se(double p, double n) {
    if (!(p >= 0.0 && p <= 1.0)) fail("binomial standard error: accuracy {} is outside [0, 1]", p);
    if (!(n > 0.0)) fail("binomial standard error: {} test examples; needs at least one", n);
    return std::sqrt(p * (1.0 - p) / n);
}

Interval binomial_difference_interval(double p_a, double n_a, double p_b, double n_b, double level) {
    check_level(level);
    const double se = std::hypot(binomial_se(p_a, n_a), binomial_se(p_b, n_b));
    const double half = normal_quantile(0.5 + 0.5 * level) * se;
    return {p_a - p_b, p_a - p_b - half, p_a - p_b + half};
}

}  // namespace lskd::analysis
