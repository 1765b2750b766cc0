#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/equivalent_smoothing.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::analysis;

namespace {

// Logits T·log(targets) for rows with the given labels; label mass `on`, every other class `off`.
RowMatrixF target_logits(const std::vector<int>& labels, int k, double on, double off, double t) {
    RowMatrixF z =
        RowMatrixF::Constant(static_cast<Eigen::Index>(labels.size()), k, static_cast<float>(t * std::log(off)));
    for (std::size_t i = 0; i < labels.size(); ++i)
        z(static_cast<Eigen::Index>(i), labels[i]) = static_cast<float>(t * std::log(on));
    return z;
}

}  // namespace

TEST_CASE("a teacher that outputs LS targets has γ = α", "[analysis][gamma]") {
    const int k = 10;
    const std::vector<int> labels{0, 3, 9, 3, 5};
    for (double alpha : {0.05, 0.1, 0.3, 0.75}) {
        // Müller targets 1 − α + α/K and α/K: wrong mass (K − 1)·α/K, times K/(K − 1) = α.
        const RowMatrixF z = target_logits(labels, k, 1 - alpha + alpha / k, alpha / k, 1.0);
        CHECK(equivalent_smoothing(z, labels, 1.0) == Approx(alpha).epsilon(1e-6));
        // The same outputs reached at T = 3 from logits three times as large.
        const RowMatrixF z3 = target_logits(labels, k, 1 - alpha + alpha / k, alpha / k, 3.0);
        CHECK(equivalent_smoothing(z3, labels, 3.0) == Approx(alpha).epsilon(1e-6));
        // Shen targets 1 − α and α/(K − 1): wrong mass α, factor 1.
        const RowMatrixF zs = target_logits(labels, k, 1 - alpha, alpha / (k - 1), 1.0);
        CHECK(equivalent_smoothing(zs, labels, 1.0, SmoothingForm::shen) == Approx(alpha).epsilon(1e-6));
    }
}

TEST_CASE("equivalent smoothing, by hand", "[analysis][gamma]") {
    // K = 2. Row (0, 0): wrong mass 1/2. Row (log 3, 0), label 0: p = (3/4, 1/4), wrong mass 1/4.
    // Mean 3/8, times K/(K − 1) = 2 → γ = 3/4.
    RowMatrixF z(2, 2);
    z << 0, 0, static_cast<float>(std::log(3.0)), 0;
    CHECK(equivalent_smoothing(z, std::vector<int>{1, 0}, 1.0) == Approx(0.75).epsilon(1e-7));
    // T = 2 on row 2: p = (√3, 1)/(√3 + 1), wrong mass 1/(√3 + 1).
    CHECK(equivalent_smoothing(z, std::vector<int>{1, 0}, 2.0) ==
          Approx(2.0 * (0.5 + 1.0 / (std::sqrt(3.0) + 1.0)) / 2.0).epsilon(1e-7));
    CHECK_THROWS_AS(equivalent_smoothing(z, std::vector<int>{1, 2}, 1.0), Error);
    CHECK_THROWS_AS(equivalent_smoothing(z, std::vector<int>{1, 0}, 0.0), Error);
}
