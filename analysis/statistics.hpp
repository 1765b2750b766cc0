// Summaries and 95 % intervals of docs/method.md §13: a group's seed mean, spread and range; the paired t
// interval; Welch's interval for unpaired groups; the normal-approximation binomial interval of a test accuracy.
#pragma once
#include <cstddef>
#include <vector>

namespace lskd::analysis {

struct GroupSummary {
    std::size_t n = 0;
    double mean = 0, stddev = 0, min = 0, max = 0;  // stddev with n − 1; NaN when n < 2; all NaN when n = 0
};
GroupSummary summarize(const std::vector<double>& values);

// An estimate and its interval [low, high]; NaN bounds when the data give none.
struct Interval {
    double estimate = 0, low = 0, high = 0;
    bool defined() const;
};

// mean ± t_{(1+level)/2, n−1}·s/√n of the values (for a paired comparison, the per-seed differences).
Interval mean_interval(const std::vector<double>& values, double level = 0.95);

// The paired interval of mean(a − b) over shared seeds: mean_interval of the differences a_s − b_s.
Interval paired_interval(const std::vector<double>& a, const std::vector<double>& b, double level = 0.95);

// Welch's interval of mean(a) − mean(b) for independent groups, with the Welch–Satterthwaite degrees of freedom.
Interval welch_interval(const std::vector<double>& a, const std::vector<double>& b, double level = 0.95);

// √(p(1 − p)/n): the binomial standard error of an accuracy p measured on n test examples.
double binomial_se(double p, double n);

// p_a − p_b ± z·√(se_a² + se_b²): two accuracies from independent test evaluations of n_a and n_b examples (the
// one-seed fallback of §13).
Interval binomial_difference_interval(double p_a, double n_a, double p_b, double n_b, double level = 0.95);

}  // namespace lskd::analysis
