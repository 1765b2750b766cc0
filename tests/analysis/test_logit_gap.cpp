#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/logit_gap.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::analysis;

TEST_CASE("logit gap statistics, by hand", "[analysis][logit_gap]") {
    // Row (5, 1, 2), label 0: gaps 4, 3. Row (0, 3, 4), label 2: gaps 4, 1.
    // Pairs 4, 3, 4, 1: mean 3, variance (1 + 0 + 1 + 4)/4 = 1.5; within-example stds 0.5 and 1.5 → mean 1.
    RowMatrixF z(2, 3);
    z << 5, 1, 2,  //
        0, 3, 4;
    const LogitGapStats s = logit_gap_stats(z, std::vector<int>{0, 2});
    CHECK(s.examples == 2);
    CHECK(s.pairs == 4);
    CHECK(s.mean == Approx(3.0).epsilon(1e-15));
    CHECK(s.stddev == Approx(std::sqrt(1.5)).epsilon(1e-15));
    CHECK(s.min == 1.0);
    CHECK(s.max == 4.0);
    CHECK(s.mean_within_example_stddev == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("logits at the LS optimum have every gap equal to Δ(α)", "[analysis][logit_gap]") {
    // z = log y^LS: label logit log(1 − α + α/K), others log(α/K).
    const int k = 10;
    const double alpha = 0.1;
    RowMatrixF z = RowMatrixF::Constant(3, k, static_cast<float>(std::log(alpha / k)));
    const std::vector<int> labels{0, 7, 3};
    for (int i = 0; i < 3; ++i)
        z(i, labels[static_cast<std::size_t>(i)]) = static_cast<float>(std::log(1 - alpha + alpha / k));
    const LogitGapStats s = logit_gap_stats(z, labels);
    CHECK(s.mean == Approx(optimal_logit_gap(alpha, k)).epsilon(1e-6));
    CHECK(s.stddev == Approx(0.0).margin(1e-6));
    CHECK(s.mean_within_example_stddev == Approx(0.0).margin(1e-6));
}

TEST_CASE("optimal gap Δ(α) matches docs/method.md §2", "[analysis][logit_gap]") {
    // K = 10: log(1 + 10·0.9/0.1) = log 91 = 4.5108595…; log(1 + 190) = log 191 = 5.2522734…;
    // log(1 + 10·0.7/0.3) = log(73/3) = 3.1918471…; log(1 + 10·0.25/0.75) = log(13/3) = 1.4663370…
    CHECK(optimal_logit_gap(0.1, 10) == Approx(std::log(91.0)).epsilon(1e-15));
    CHECK(optimal_logit_gap(0.05, 10) == Approx(5.25227342804663).epsilon(1e-13));
    CHECK(optimal_logit_gap(0.3, 10) == Approx(3.1918471524802814).epsilon(1e-13));
    CHECK(optimal_logit_gap(0.75, 10) == Approx(1.4663370687934272).epsilon(1e-13));
    CHECK(optimal_logit_gap(1.0, 10) == 0.0);  // uniform targets
    CHECK(optimal_logit_gap(0.0, 10) == std::numeric_limits<double>::infinity());
    // Shen form: log((1 − α)(K − 1)/α) = log(0.9·9/0.1) = log 81.
    CHECK(optimal_logit_gap(0.1, 10, SmoothingForm::shen) == Approx(std::log(81.0)).epsilon(1e-15));
    CHECK(optimal_logit_gap(0.0, 10, SmoothingForm::shen) == std::numeric_limits<double>::infinity());
    CHECK_THROWS_AS(optimal_logit_gap(-0.1, 10), Error);
    CHECK_THROWS_AS(optimal_logit_gap(1.1, 10), Error);
    CHECK_THROWS_AS(optimal_logit_gap(0.1, 1), Error);
}

TEST_CASE("logit gap rejects bad input", "[analysis][logit_gap]") {
    RowMatrixF z = RowMatrixF::Zero(2, 3);
    CHECK_THROWS_AS(logit_gap_stats(z, std::vector<int>{0, 3}), Error);
    CHECK_THROWS_AS(logit_gap_stats(z, std::vector<int>{0}), Error);
    z(1, 2) = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(logit_gap_stats(z, std::vector<int>{0, 1}), Error);
}
