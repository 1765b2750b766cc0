#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/temperature_scaling.hpp"
#include "framework/core/error.hpp"
#include "tests/analysis/synthetic_logits.hpp"

using namespace lskd;
using namespace lskd::analysis;
using lskd::testing::Synthetic;
using lskd::testing::synthetic;

TEST_CASE("temperature scaling recovers the generating temperature within 1%", "[analysis][temperature]") {
    // N = 200 000, K = 10, spread 2: the fitted T scatters by 0.19 % (rms over 12 seeds, worst 0.31 %), so
    // 1 % is ≈ 5 σ.
    for (double t0 : {2.5, 0.5}) {
        const Synthetic s = synthetic(t0 > 1 ? 20190607 : 20190608, 200000, 10, 2.0, t0);
        const TemperatureFit fit = fit_temperature(s.logits, s.labels);
        CAPTURE(t0, fit.temperature, fit.iterations);
        CHECK(std::abs(fit.temperature / t0 - 1.0) < 0.01);
        CHECK_FALSE(fit.at_bound);
        CHECK(fit.nll_after < fit.nll_before);
        CHECK(fit.iterations < 20);
    }
}

TEST_CASE("the fitted temperature is a minimum of the NLL", "[analysis][temperature]") {
    const Synthetic s = synthetic(7, 500, 5, 3.0, 1.7);
    const TemperatureFit fit = fit_temperature(s.logits, s.labels);
    CHECK(fit.nll_after == Approx(mean_nll(s.logits, s.labels, fit.temperature)).epsilon(1e-12));
    for (double f : {1.0 - 1e-3, 1.0 + 1e-3, 0.5, 2.0})
        CHECK(mean_nll(s.logits, s.labels, fit.temperature * f) > fit.nll_after);
}

TEST_CASE("an optimum outside the bounds stops at the bound", "[analysis][temperature]") {
    const Synthetic s = synthetic(11, 2000, 10, 2.0, 50.0);
    const TemperatureFit fit = fit_temperature(s.logits, s.labels);
    CHECK(fit.at_bound);
    CHECK(fit.temperature == Approx(20.0).epsilon(1e-15));
    const TemperatureFit narrow = fit_temperature(s.logits, s.labels, {0.5, 4.0});
    CHECK(narrow.temperature == Approx(4.0).epsilon(1e-15));
    const Synthetic cold = synthetic(12, 2000, 10, 2.0, 0.01);
    CHECK(fit_temperature(cold.logits, cold.labels).temperature == Approx(0.05).epsilon(1e-12));
}

TEST_CASE("fit on one split, report on another", "[analysis][temperature]") {
    const Synthetic val = synthetic(1, 20000, 10, 2.0, 2.0);
    const Synthetic test = synthetic(2, 20000, 10, 2.0, 2.0);
    const TemperatureScaling ts = temperature_scaling(val.logits, val.labels, test.logits, test.labels);
    CHECK(ts.fit.temperature == Approx(2.0).epsilon(0.05));
    CHECK(ts.before.temperature == 1.0);
    CHECK(ts.after.temperature == ts.fit.temperature);
    CHECK(ts.after.accuracy == ts.before.accuracy);  // scaling never changes the argmax
    CHECK(ts.after.ece < 0.5 * ts.before.ece);       // over-confident by T0 = 2, calibrated after
    CHECK(ts.after.nll < ts.before.nll);
    CHECK(ts.before.reliability.bins.size() == 15);
}

TEST_CASE("temperature fitting rejects bad input", "[analysis][temperature]") {
    const RowMatrixF constant = RowMatrixF::Constant(4, 3, 1.5f);
    const std::vector<int> labels{0, 1, 2, 0};
    CHECK_THROWS_AS(fit_temperature(constant, labels), Error);  // every row constant: T not identifiable
    RowMatrixF z = constant;
    z(0, 0) = 3.0f;
    CHECK_NOTHROW(fit_temperature(z, labels));
    CHECK_THROWS_AS(fit_temperature(z, labels, {0.0, 10.0}), Error);
    CHECK_THROWS_AS(fit_temperature(z, labels, {5.0, 1.0}), Error);
    CHECK_THROWS_AS(fit_temperature(z, std::vector<int>{0, 1, 2}), Error);
    CHECK_THROWS_AS(temperature_scaling(z, labels, RowMatrixF::Zero(4, 2), labels), Error);  // K differs
}
