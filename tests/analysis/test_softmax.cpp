#include <cmath>

#include <catch2/catch.hpp>

#include "analysis/softmax.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::analysis;

TEST_CASE("softmax of log(1, 2, 3) is (1, 2, 3) / 6", "[analysis][softmax]") {
    RowMatrixF z(1, 3);
    z << 0.0f, std::log(2.0f), std::log(3.0f);
    const RowMatrixD p = softmax(z);
    CHECK(p(0, 0) == Approx(1.0 / 6).epsilon(1e-6));
    CHECK(p(0, 1) == Approx(2.0 / 6).epsilon(1e-6));
    CHECK(p(0, 2) == Approx(3.0 / 6).epsilon(1e-6));
    CHECK(p.row(0).sum() == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("softmax is shift-invariant and does not overflow", "[analysis][softmax]") {
    // (1000, 1001, 1002) and (0, 1, 2) are exact floats; exp(1000) would overflow: p = (1, e, e²)/(1 + e + e²).
    RowMatrixF z(2, 3);
    z << 1000.0f, 1001.0f, 1002.0f,  //
        0.0f, 1.0f, 2.0f;
    const RowMatrixD p = softmax(z);
    const double e = std::exp(1.0), s = 1 + e + e * e;
    for (int r = 0; r < 2; ++r) {
        CHECK(p(r, 0) == Approx(1 / s).epsilon(1e-14));
        CHECK(p(r, 2) == Approx(e * e / s).epsilon(1e-14));
    }
}

TEST_CASE("softmax at a temperature divides the logits", "[analysis][softmax]") {
    RowMatrixF z(1, 2);
    z << 0.0f, 2.0f;
    // softmax((0, 2) / 2) = (1, e) / (1 + e)
    const RowMatrixD p = softmax(z, 2.0);
    CHECK(p(0, 1) == Approx(std::exp(1.0) / (1.0 + std::exp(1.0))).epsilon(1e-12));
    // log(e^0 + e^1) at T = 2
    CHECK(log_sum_exp(z.row(0), 2.0) == Approx(std::log(1.0 + std::exp(1.0))).epsilon(1e-12));
    CHECK(log_sum_exp(z.row(0) * 0.0f + Eigen::RowVectorXf::Constant(2, 500.0f)) ==
          Approx(500.0 + std::log(2.0)).epsilon(1e-12));  // log(2·e^500)
    CHECK_THROWS_AS(softmax(z, 0.0), Error);
    CHECK_THROWS_AS(softmax(z, -1.0), Error);
}
