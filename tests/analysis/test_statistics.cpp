// The statistics of docs/method.md §13 against values worked out by hand (each computation in a comment).
#include <cmath>

#include <catch2/catch.hpp>

#include "analysis/bootstrap.hpp"
#include "analysis/interpolation.hpp"
#include "analysis/rank_correlation.hpp"
#include "analysis/statistics.hpp"
#include "analysis/student_t.hpp"
#include "framework/core/error.hpp"

using namespace lskd;

TEST_CASE("incomplete beta matches its closed forms", "[statistics]") {
    // I_x(1, 1) = x; I_x(3, 1) = x³; I_x(2, 2) = 3x² − 2x³, so I_0.3(2, 2) = 0.27 − 0.054 = 0.216.
    CHECK(analysis::regularized_incomplete_beta(1, 1, 0.42) == Approx(0.42).epsilon(1e-12));
    CHECK(analysis::regularized_incomplete_beta(3, 1, 0.5) == Approx(0.125).epsilon(1e-12));
    CHECK(analysis::regularized_incomplete_beta(2, 2, 0.3) == Approx(0.216).epsilon(1e-12));
    CHECK(analysis::regularized_incomplete_beta(2, 2, 0.8) == Approx(3 * 0.64 - 2 * 0.512).epsilon(1e-12));
    CHECK_THROWS_AS(analysis::regularized_incomplete_beta(0, 1, 0.5), Error);
    CHECK_THROWS_AS(analysis::regularized_incomplete_beta(1, 1, 1.5), Error);
}

TEST_CASE("t quantiles: closed forms for 1 and 2 degrees of freedom, the table beyond, the normal limit",
          "[statistics]") {
    // ν = 1 is Cauchy: t_p = tan(π(p − ½)), tan(0.475π) = 12.7062.
    CHECK(analysis::student_t_quantile(0.975, 1) == Approx(std::tan(M_PI * 0.475)).epsilon(1e-9));
    // ν = 2: t_p = (2p − 1)·√(2 / (4p(1 − p))) = 0.95·√(2 / 0.0975) = 4.30265.
    CHECK(analysis::student_t_quantile(0.975, 2) == Approx(0.95 * std::sqrt(2 / 0.0975)).epsilon(1e-9));
    // Printed tables (docs/method.md §13): 3.182 (ν = 3), 2.776 (ν = 4), 2.042 (ν = 30).
    CHECK(analysis::student_t_quantile(0.975, 3) == Approx(3.18245).margin(5e-5));
    CHECK(analysis::student_t_quantile(0.975, 4) == Approx(2.77645).margin(5e-5));
    CHECK(analysis::student_t_quantile(0.975, 30) == Approx(2.04227).margin(5e-5));
    CHECK(analysis::student_t_quantile(0.025, 4) == Approx(-2.77645).margin(5e-5));
    // Φ⁻¹(0.975) = 1.959964; t_{0.975, 10⁶} is within 1e-5 of it.
    CHECK(analysis::normal_quantile(0.975) == Approx(1.959964).margin(1e-6));
    CHECK(analysis::student_t_quantile(0.975, 1e6) == Approx(1.959964).margin(1e-5));
    CHECK(analysis::student_t_cdf(0, 7) == Approx(0.5));
    CHECK_THROWS_AS(analysis::student_t_quantile(1.0, 3), Error);
}

TEST_CASE("a group's mean, standard deviation, min and max", "[statistics]") {
    // {1, 2, 3, 6}: mean 3; squared deviations 4 + 1 + 0 + 9 = 14; s = √(14/3) = 2.16025.
    const auto s = analysis::summarize({1, 2, 3, 6});
    CHECK(s.n == 4);
    CHECK(s.mean == Approx(3));
    CHECK(s.stddev == Approx(std::sqrt(14.0 / 3)));
    CHECK(s.min == 1);
    CHECK(s.max == 6);
    CHECK(std::isnan(analysis::summarize({5}).stddev));
    CHECK(std::isnan(analysis::summarize({}).mean));
}

TEST_CASE("the t interval of a mean and the paired interval", "[statistics]") {
    // {1, 2, 3, 6}: se = 2.16025/2 = 1.08012; t_{0.975,3} = 3.18245; half width 3.43742.
    const auto m = analysis::mean_interval({1, 2, 3, 6});
    CHECK(m.estimate == Approx(3));
    CHECK(m.low == Approx(3 - 3.43742).margin(1e-4));
    CHECK(m.high == Approx(3 + 3.43742).margin(1e-4));
    // a − b = {0.01, 0.02, 0.01}: d̄ = 0.013333, s_d = √((2·0.003333² + 0.006667²)/2) = 0.0057735,
    // se = 0.0033333, t_{0.975,2} = 4.30265: d̄ ± 0.0143422 = [−0.0010089, 0.0276755].
    const auto p = analysis::paired_interval({0.87, 0.88, 0.86}, {0.86, 0.86, 0.85});
    CHECK(p.estimate == Approx(0.0133333).margin(1e-6));
    CHECK(p.low == Approx(-0.0010089).margin(1e-6));
    CHECK(p.high == Approx(0.0276755).margin(1e-6));
    // One value: no spread, so no interval.
    CHECK_FALSE(analysis::mean_interval({0.5}).defined());
    CHECK_THROWS_AS(analysis::paired_interval({1, 2}, {1}), Error);
}

TEST_CASE("Welch's interval uses the Welch–Satterthwaite degrees of freedom", "[statistics]") {
    // a = {1, 2, 3}: mean 2, s² = 1, s²/n = 1/3. b = {4, 6, 8, 10}: mean 7, s² = 20/3, s²/n = 5/3.
    // se = √2; ν = 2² / ((1/3)²/2 + (5/3)²/3) = 4 / 0.981481 = 4.075472; t_{0.975,ν} = 2.7664 (between the table's
    // 2.776 at ν = 4 and 2.571 at ν = 5).
    const auto w = analysis::welch_interval({1, 2, 3}, {4, 6, 8, 10});
    const double t = analysis::student_t_quantile(0.975, 4.0754717);
    CHECK(t < 2.7764);
    CHECK(t > 2.5706);
    CHECK(w.estimate == Approx(-5));
    CHECK(w.low == Approx(-5 - t * std::sqrt(2.0)).epsilon(1e-6));
    CHECK(w.high == Approx(-5 + t * std::sqrt(2.0)).epsilon(1e-6));
}

TEST_CASE("the binomial interval of two test accuracies", "[statistics]") {
    // p = 0.87 on 10k images: √(0.87·0.13/10⁴) = 0.0033630 (docs/method.md §13: "about 0.34 points").
    CHECK(analysis::binomial_se(0.87, 10000) == Approx(0.0033630).margin(1e-7));
    // 0.8691 vs 0.8683 (the old report's "supported"): se = √(0.8691·0.1309 + 0.8683·0.1317)/100 = 0.0047762;
    // 1.959964 · 0.0047762 = 0.0093612, so d = 0.0008 has the interval [−0.0085612, 0.0101612].
    const auto d = analysis::binomial_difference_interval(0.8691, 10000, 0.8683, 10000);
    CHECK(d.estimate == Approx(0.0008).margin(1e-12));
    CHECK(d.low == Approx(-0.0085612).margin(1e-6));
    CHECK(d.high == Approx(0.0101612).margin(1e-6));
    CHECK_THROWS_AS(analysis::binomial_se(1.2, 100), Error);
    CHECK_THROWS_AS(analysis::binomial_se(0.5, 0), Error);
}

TEST_CASE("Spearman's correlation with and without ties", "[statistics]") {
    // Ranks (1,2,3,4) vs (1,3,2,4): Σd² = 2, ρ = 1 − 6·2/(4·15) = 0.8.
    CHECK(analysis::spearman({1, 2, 3, 4}, {10, 30, 20, 40}) == Approx(0.8));
    // x = {1, 2, 2, 3} ranks {0, 1.5, 1.5, 3}; y ranks {0, 1, 2, 3}: Σxy = 4.5, Σxx = 4.5, Σyy = 5,
    // ρ = 4.5/√22.5 = 0.948683.
    CHECK(analysis::spearman({1, 2, 2, 3}, {1, 2, 3, 4}) == Approx(0.948683).margin(1e-6));
    CHECK(analysis::spearman({3, 2, 1}, {1, 2, 3}) == Approx(-1));
    CHECK(std::isnan(analysis::spearman({1, 2}, {1, 2})));
    CHECK(std::isnan(analysis::spearman({1, 1, 1}, {1, 2, 3})));
    CHECK_THROWS_AS(analysis::spearman({1, 2, 3}, {1, 2}), Error);
}

TEST_CASE("linear interpolation between neighbouring samples, NaN outside", "[statistics]") {
    // Between (0.1, 0.82) and (0.3, 0.78): at 0.2, halfway, 0.80; at 0.05, halfway from (0, 0.80), 0.81.
    const std::vector<double> xs = {0, 0.1, 0.3}, ys = {0.80, 0.82, 0.78};
    CHECK(analysis::interpolate_linear(xs, ys, 0.2) == Approx(0.80));
    CHECK(analysis::interpolate_linear(xs, ys, 0.05) == Approx(0.81));
    CHECK(analysis::interpolate_linear(xs, ys, 0.3) == Approx(0.78));
    CHECK(analysis::interpolate_linear(xs, ys, 0.0) == Approx(0.80));
    CHECK(std::isnan(analysis::interpolate_linear(xs, ys, 0.31)));
    CHECK(std::isnan(analysis::interpolate_linear(xs, ys, -0.01)));
    CHECK_THROWS_AS(analysis::interpolate_linear({0, 0}, {1, 2}, 0), Error);
}

TEST_CASE("the bootstrap is deterministic given its seed and brackets the resampled statistic", "[statistics]") {
    const std::vector<double> v = {0, 1};
    const analysis::ResampledStatistic mean = [&](const std::vector<std::size_t>& u) {
        return (v[u[0]] + v[u[1]]) / 2;
    };
    // Resamples of two units give means 0, ½, 1 with probabilities ¼, ½, ¼: the 2.5 % and 97.5 % quantiles of
    // 2000 resamples are 0 and 1 (each end holds ≈ 500 of them).
    const auto a = analysis::bootstrap_interval(2, mean, 7);
    CHECK(a.estimate == 0.5);
    CHECK(a.low == 0);
    CHECK(a.high == 1);
    int halves = 0;
    const analysis::ResampledStatistic count = [&](const std::vector<std::size_t>& u) {
        halves += u[0] != u[1];
        return 0.0;
    };
    analysis::bootstrap_interval(2, count, 11, 4000);
    CHECK(halves == Approx(2000 + 1).margin(150));  // the estimate on 0..n−1 counts once; ≈ ½ of 4000 otherwise
    const auto b = analysis::bootstrap_interval(2, mean, 7);
    CHECK(b.low == a.low);
    CHECK(b.high == a.high);
    // A statistic that is NaN on most resamples gives no interval.
    const auto none = analysis::bootstrap_interval(
        3, [](const std::vector<std::size_t>&) { return std::nan(""); }, 1);
    CHECK_FALSE(none.defined());
    // The 0.25-quantile of {1, 2, 3, 5} sits at position 0.75: 1 + 0.75·(2 − 1) = 1.75.
    CHECK(analysis::sorted_quantile({1, 2, 3, 5}, 0.25) == Approx(1.75));
}
