#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/calibration.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::analysis;

namespace {

// Logits whose softmax is exactly the given probability rows (up to float rounding of the logs).
RowMatrixF log_of(const std::vector<std::vector<double>>& probs) {
    RowMatrixF z(static_cast<Eigen::Index>(probs.size()), static_cast<Eigen::Index>(probs[0].size()));
    for (std::size_t i = 0; i < probs.size(); ++i)
        for (std::size_t k = 0; k < probs[i].size(); ++k)
            z(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = static_cast<float>(std::log(probs[i][k]));
    return z;
}

}  // namespace

TEST_CASE("reliability diagram and ECE of six predictions in three bins", "[analysis][calibration]") {
    const std::vector<double> conf{0.2, 0.3, 0.5, 0.6, 0.9, 0.95};
    const std::vector<bool> correct{false, true, true, false, true, true};
    const ReliabilityDiagram d = reliability_diagram(conf, correct, 3);
    REQUIRE(d.bins.size() == 3);
    CHECK(d.examples == 6);
    // Bin (0, 1/3]: {0.2 ✗, 0.3 ✓}: accuracy 1/2, confidence 0.25.
    CHECK(d.bins[0].count == 2);
    CHECK(d.bins[0].accuracy == Approx(0.5).epsilon(1e-15));
    CHECK(d.bins[0].confidence == Approx(0.25).epsilon(1e-15));
    CHECK(d.bins[0].lower == 0.0);
    CHECK(d.bins[0].upper == Approx(1.0 / 3));
    // Bin (1/3, 2/3]: {0.5 ✓, 0.6 ✗}: accuracy 1/2, confidence 0.55.
    CHECK(d.bins[1].count == 2);
    CHECK(d.bins[1].confidence == Approx(0.55).epsilon(1e-15));
    // Bin (2/3, 1]: {0.9 ✓, 0.95 ✓}: accuracy 1, confidence 0.925.
    CHECK(d.bins[2].accuracy == 1.0);
    CHECK(d.bins[2].confidence == Approx(0.925).epsilon(1e-15));
    // ECE = 2/6·|0.5 − 0.25| + 2/6·|0.5 − 0.55| + 2/6·|1 − 0.925| = 1/12 + 1/60 + 1/40 = 0.125
    CHECK(d.ece == Approx(0.125).margin(1e-15));
}

TEST_CASE("bins are right-closed: boundary confidences go to the lower bin", "[analysis][calibration]") {
    // M = 3: 1/3 → bin 1, 2/3 → bin 2, 1 → bin 3, 0 → bin 1 (by convention).
    const std::vector<double> conf{1.0 / 3, 2.0 / 3, 1.0, 0.0, std::nextafter(1.0 / 3, 1.0)};
    const std::vector<bool> correct(conf.size(), true);
    const ReliabilityDiagram d = reliability_diagram(conf, correct, 3);
    CHECK(d.bins[0].count == 2);  // 1/3 and 0
    CHECK(d.bins[1].count == 2);  // just above 1/3, and 2/3
    CHECK(d.bins[2].count == 1);  // 1
    // M = 2: 0.5 is in (0, 0.5].
    const std::vector<double> half{0.5};
    CHECK(reliability_diagram(half, std::vector<bool>{true}, 2).bins[0].count == 1);
    // The default is 15 bins of width 1/15.
    const ReliabilityDiagram d15 = reliability_diagram(conf, correct);
    CHECK(d15.bins.size() == 15);
    CHECK(d15.bins[4].count == 1);  // 1/3 = 5/15 closes bin 5
    CHECK(d15.bins[5].count == 1);  // just above 1/3 opens bin 6
}

TEST_CASE("calibration of six softmax outputs, by hand", "[analysis][calibration]") {
    const RowMatrixF z = log_of(
        {{0.5, 0.3, 0.2}, {0.3, 0.6, 0.1}, {0.1, 0.1, 0.8}, {0.05, 0.9, 0.05}, {0.7, 0.2, 0.1}, {0.4, 0.35, 0.25}});
    const std::vector<int> labels{0, 0, 2, 1, 2, 1};
    const Predictions pred = predict(z);
    CHECK(pred.prediction == std::vector<int>{0, 1, 2, 1, 0, 0});
    CHECK(pred.confidence[3] == Approx(0.9).epsilon(1e-6));

    const CalibrationReport r = calibration(z, labels, 1.0, 3);
    // Correct: examples 0, 2, 3 → accuracy 3/6.
    CHECK(r.accuracy == Approx(0.5).margin(1e-15));
    // Bin 1 empty. Bin 2 {0.5 ✓, 0.6 ✗, 0.4 ✗}: acc 1/3, conf 0.5 → 3/6 · 1/6 = 1/12.
    // Bin 3 {0.8 ✓, 0.9 ✓, 0.7 ✗}: acc 2/3, conf 0.8 → 3/6 · 2/15 = 1/15. ECE = 1/12 + 1/15 = 0.15.
    CHECK(r.reliability.bins[0].count == 0);
    CHECK(r.reliability.bins[0].accuracy == 0.0);
    CHECK(r.ece == Approx(0.15).margin(1e-6));
    CHECK(r.reliability.ece == r.ece);
    // NLL = −(log .5 + log .3 + log .8 + log .9 + log .1 + log .35)/6 = 0.9296718782…
    CHECK(r.nll == Approx(0.9296718782251068).margin(1e-6));
    CHECK(mean_nll(z, labels) == r.nll);
}

TEST_CASE("temperature changes confidence and NLL but not accuracy", "[analysis][calibration]") {
    RowMatrixF z(2, 2);
    z << 2.0f, 0.0f,  //
        0.0f, 4.0f;
    const std::vector<int> labels{0, 0};
    // T = 2: p(row 0) = σ(1), p_label(row 1) = σ(−2); NLL = (log(1 + e^{−1}) + log(1 + e^{2})) / 2
    const CalibrationReport r = calibration(z, labels, 2.0);
    CHECK(r.temperature == 2.0);
    CHECK(r.accuracy == 0.5);
    CHECK(r.nll == Approx((std::log1p(std::exp(-1.0)) + std::log1p(std::exp(2.0))) / 2).epsilon(1e-12));
    CHECK(calibration(z, labels).accuracy == 0.5);
}

TEST_CASE("calibration rejects bad input", "[analysis][calibration]") {
    RowMatrixF z(2, 3);
    z.setZero();
    const std::vector<int> ok{0, 2};
    CHECK_THROWS_AS(calibration(z, std::vector<int>{0}, 1.0), Error);     // one label for two rows
    CHECK_THROWS_AS(calibration(z, std::vector<int>{0, 3}, 1.0), Error);  // label out of range
    CHECK_THROWS_AS(calibration(z, std::vector<int>{0, -1}, 1.0), Error);
    CHECK_THROWS_AS(calibration(z, ok, 1.0, 0), Error);                         // no bins
    CHECK_THROWS_AS(calibration(RowMatrixF(0, 3), std::vector<int>{}), Error);  // empty
    CHECK_THROWS_AS(calibration(RowMatrixF::Zero(2, 1), ok), Error);            // one class
    z(1, 1) = std::nanf("");
    CHECK_THROWS_AS(calibration(z, ok), Error);
    CHECK_THROWS_AS(mean_nll(z, ok), Error);
    const std::vector<double> conf{0.5, 1.5};
    CHECK_THROWS_AS(reliability_diagram(conf, std::vector<bool>{true, true}), Error);  // confidence > 1
    CHECK_THROWS_AS(reliability_diagram(conf, std::vector<bool>{true}), Error);        // size mismatch
}
