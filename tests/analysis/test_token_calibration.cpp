// Token-level calibration, worked by hand, and temperature scaling on synthetic token logits.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/token_calibration.hpp"
#include "framework/core/error.hpp"
#include "tests/analysis/synthetic_logits.hpp"

using namespace lskd;
using namespace lskd::analysis;
using Catch::Matchers::WithinAbs;

TEST_CASE("token ECE of five tokens", "[analysis][token_calibration]") {
    // 15 bins: 0.9, 0.8, 0.3, 0.95 and 0.6 fall in five different bins (0.8 and 0.6 on upper edges), so
    // ECE = (0.1 + 0.8 + 0.3 + 0.05 + 0.4) / 5; the two EOS tokens alone give (0.05 + 0.4) / 2.
    const std::vector<double> conf{0.9, 0.8, 0.3, 0.95, 0.6};
    const std::vector<bool> correct{true, false, false, true, true};
    const std::vector<bool> eos{false, false, false, true, true};
    const TokenCalibration c = token_calibration(conf, correct, eos);
    CHECK(c.tokens == 5);
    CHECK(c.eos_tokens == 2);
    CHECK_THAT(c.ece, WithinAbs(0.33, 1e-12));
    CHECK_THAT(c.accuracy, WithinAbs(0.6, 1e-12));
    REQUIRE(c.eos.has_value());
    CHECK_THAT(c.eos->ece, WithinAbs(0.225, 1e-12));
    CHECK(c.eos->examples == 2);
    CHECK(c.all.bins[11].count == 1);  // 0.8 = 12/15 belongs to (11/15, 12/15]
    CHECK_FALSE(c.nll.has_value());
}

TEST_CASE("token ECE averages within a bin", "[analysis][token_calibration]") {
    // 0.91 and 0.92 share (13/15, 14/15]: accuracy 1/2 against confidence 0.915. No EOS token.
    const TokenCalibration c = token_calibration(std::vector<double>{0.91, 0.92}, {true, false}, {false, false});
    CHECK_THAT(c.ece, WithinAbs(0.415, 1e-12));
    CHECK_FALSE(c.eos.has_value());
    CHECK(c.eos_tokens == 0);
}

TEST_CASE("token calibration from logits", "[analysis][token_calibration]") {
    // Rows are log-probabilities: confidences 0.7 (right), 0.6 (right, gold EOS = 2), 0.5 (wrong).
    RowMatrixF z(3, 3);
    z << std::log(0.7f), std::log(0.2f), std::log(0.1f), std::log(0.1f), std::log(0.3f), std::log(0.6f), std::log(0.5f),
        std::log(0.4f), std::log(0.1f);
    const std::vector<int> gold{0, 2, 1};
    const TokenCalibration c = token_calibration(z, gold, 2);
    CHECK_THAT(c.ece, WithinAbs((0.3 + 0.4 + 0.5) / 3, 1e-6));
    CHECK_THAT(c.accuracy, WithinAbs(2.0 / 3, 1e-12));
    REQUIRE(c.eos.has_value());
    CHECK_THAT(c.eos->ece, WithinAbs(0.4, 1e-6));
    REQUIRE(c.nll.has_value());
    CHECK_THAT(*c.nll, WithinAbs(-(std::log(0.7) + std::log(0.6) + std::log(0.4)) / 3, 1e-6));
}

TEST_CASE("token temperature scaling", "[analysis][token_calibration]") {
    // Logits three times too sharp over a vocabulary of 50: the fit finds T near 3 and lowers ECE on other tokens.
    const auto val = testing::synthetic(2315, 20000, 50, 2.0, 3.0);
    const auto test = testing::synthetic(2316, 20000, 50, 2.0, 3.0);
    const TokenTemperatureScaling t = token_temperature_scaling(val.logits, val.labels, test.logits, test.labels, 0);
    CHECK(std::abs(t.fit.temperature / 3.0 - 1.0) < 0.05);
    CHECK(t.before.temperature == 1.0);
    CHECK(t.after.temperature == t.fit.temperature);
    CHECK(t.after.ece < t.before.ece / 2);
    CHECK(*t.after.nll < *t.before.nll);
    CHECK(t.after.eos_tokens == t.before.eos_tokens);
}

TEST_CASE("token calibration refuses bad input", "[analysis][token_calibration]") {
    CHECK_THROWS_AS(token_calibration(std::vector<double>{0.5}, {true}, {}), lskd::Error);
    CHECK_THROWS_AS(token_calibration(std::vector<double>{}, {}, {}), lskd::Error);
    RowMatrixF z = RowMatrixF::Zero(2, 3);
    CHECK_THROWS_AS(token_calibration(z, std::vector<int>{0, 1}, 3), lskd::Error);
    CHECK_THROWS_AS(token_calibration(z, std::vector<int>{0, 3}, 2), lskd::Error);
}
