#include "analysis/student_t.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "framework/core/error.hpp"

namespace lskd::analysis {
namespace {

// The continued fraction of I_x(a, b), convergent for x < (a + 1)/(a + b + 2).
double beta_fraction(double a, double b, double x) {
    constexpr double kTiny = 1e-300, kEps = 1e-15;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::fabs(d) < kTiny) d = kTiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 1000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + aa * d;
        c = 1.0 + aa / c;
        if (std::fabs(d) < kTiny) d = kTiny;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + aa * d;
        c = 1.0 + aa / c;
        if (std::fabs(d) < kTiny) d = kTiny;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1.0 / d;
        const double step = d * c;
        h *= step;
        if (std::fabs(step - 1.0) < kEps) break;
    }
    return h;
}

// The x in [lo, hi] where the increasing function f reaches `target`.
double bisect(const std::function<double(double)>& f, double target, double lo, double hi) {
    for (int i = 0; i < 200 && hi - lo > 1e-13 * std::max(1.0, std::fabs(lo)); ++i) {
        const double mid = 0.5 * (lo + hi);
        (f(mid) < target ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
    if (!(a > 0.0) || !(b > 0.0)) fail("incomplete beta: a = {} and b = {} must be positive", a, b);
    if (!(x >= 0.0 && x <= 1.0)) fail("incomplete beta: x = {} is outside [0, 1]", x);
    if (x == 0.0 || x == 1.0) return x;
    const double front =
        std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
    return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double dof) {
    if (!(dof > 0.0)) fail("Student t: degrees of freedom {} must be positive", dof);
    const double tail = 0.5 * regularized_incomplete_beta(0.5 * dof, 0.5, dof / (dof + t * t));
    return t >= 0.0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double dof) {
    if (!(p > 0.0 && p < 1.0)) fail("Student t quantile: p = {} is outside (0, 1)", p);
    if (!(dof > 0.0)) fail("Student t: degrees of freedom {} must be positive", dof);
    double hi = 1.0;
    while (student_t_cdf(hi, dof) < std::max(p, 1.0 - p)) hi *= 2.0;
    return bisect([dof](double t) { return student_t_cdf(t, dof); }, p, -hi, hi);
}

double normal_quantile(double p) {
    if (!(p > 0.0 && p < 1.0)) fail("normal quantile: p = {} is outside (0, 1)", p);
    return bisect([](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }, p, -40.0, 40.0);
}

}  // namespace lskd::analysis
