#include <cmath>
#include <numbers>
#include <vector>

#include <tbb/task_arena.h>
#include <catch2/catch.hpp>

#include "analysis/mutual_information.hpp"
#include "framework/core/error.hpp"
#include "framework/core/random.hpp"

using namespace lskd;
using namespace lskd::analysis;

TEST_CASE("mutual information of two examples, by hand", "[analysis][mi]") {
    // µ = (1, 4) from views {0, 2}, {3, 5}; y = (2, 3); σ² = (1² + 1²)/2 = 1.
    // x = 1: −(2−1)²/2 − log((e^{−1/2} + e^{−(2−4)²/2}) / 2) = log 2 − log(1 + e^{−3/2}); x = 2 the same.
    const Eigen::MatrixXd views{{0, 2}, {3, 5}};
    const Eigen::VectorXd y{{2, 3}};
    const MutualInformation mi = mutual_information(views, y);
    CHECK(mi.sigma2 == 1.0);
    CHECK(mi.nats == Approx(std::log(2.0) - std::log1p(std::exp(-1.5))).margin(1e-12));
    CHECK(mi.nats == Approx(0.49173390257719285).margin(1e-9));
    CHECK(mi.examples == 2);
    CHECK(mi.views == 2);
    CHECK(mi.log_n == Approx(std::log(2.0)).epsilon(1e-15));
    CHECK(mi.log_2 == Approx(0.6931471805599453).epsilon(1e-15));
    CHECK_FALSE(mi.sigma2_floored);
}

TEST_CASE("mutual information of three examples, by hand", "[analysis][mi]") {
    // µ = (0, 2, 5), y = (1, 2, 4): residuals 1, 0, −1 → σ² = 2/3, 1/(2σ²) = 3/4.
    // a(x, x') = −(3/4)(y_x − µ_x')²: x=1: (−3/4, −3/4, −12); x=2: (−3, 0, −27/4); x=3: (−12, −3, −3/4).
    const Eigen::MatrixXd views{{-1, 1}, {1, 3}, {4, 6}};
    const Eigen::VectorXd y{{1, 2, 4}};
    const double expected = ((-0.75 - std::log((2 * std::exp(-0.75) + std::exp(-12.0)) / 3)) +
                             (0.0 - std::log((std::exp(-3.0) + 1.0 + std::exp(-6.75)) / 3)) +
                             (-0.75 - std::log((std::exp(-12.0) + std::exp(-3.0) + std::exp(-0.75)) / 3))) /
                            3;
    const MutualInformation mi = mutual_information(views, y);
    CHECK(mi.sigma2 == Approx(2.0 / 3).epsilon(1e-15));
    CHECK(mi.nats == Approx(expected).margin(1e-12));
    CHECK(mi.nats == Approx(0.8175875920815209).margin(1e-9));
}

TEST_CASE("identical means carry no information", "[analysis][mi]") {
    // Every example's views are {−1, 1} (µ = 0); the extra draws are noise.
    Rng rng(5);
    const Eigen::Index n = 300;
    Eigen::MatrixXd views(n, 2);
    views.col(0).setConstant(-1);
    views.col(1).setConstant(1);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) y(i) = rng.normal();
    CHECK(mutual_information(views, y).nats == Approx(0.0).margin(1e-12));
}

TEST_CASE("two far-apart clusters give log 2", "[analysis][mi]") {
    Rng rng(6);
    const Eigen::Index n = 600;
    SECTION("means exactly at ±100: exactly log 2") {
        // Views c ± e average to c exactly, so within a cluster all µ coincide.
        Eigen::MatrixXd views(n, 2);
        Eigen::VectorXd y(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            const double c = i < n / 2 ? -100.0 : 100.0, e = rng.normal();
            views(i, 0) = c - e;
            views(i, 1) = c + e;
            y(i) = c + rng.normal();
        }
        CHECK(mutual_information(views, y).nats == Approx(std::numbers::ln2).margin(1e-9));
    }
    SECTION("noisy views: log 2 plus the small estimation bias of µ") {
        // With L = 200 the per-example means scatter by 1/√200 within a cluster; that adds about
        // ½·log(1 + (1/200)/1) ≈ 0.0025 nats of spurious within-cluster information.
        const int l = 200;
        Eigen::MatrixXd views(n, l);
        Eigen::VectorXd y(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            const double c = i < n / 2 ? -100.0 : 100.0;
            for (int j = 0; j < l; ++j) views(i, j) = c + rng.normal();
            y(i) = c + rng.normal();
        }
        const MutualInformation mi = mutual_information(views, y);
        CHECK(mi.nats == Approx(std::numbers::ln2).margin(0.02));
        CHECK(mi.sigma2 == Approx(1.0).margin(0.15));
    }
}

TEST_CASE("N far-apart examples give log N", "[analysis][mi]") {
    Rng rng(7);
    const Eigen::Index n = 50;
    const int l = 5;
    Eigen::MatrixXd views(n, l);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (int j = 0; j < l; ++j) views(i, j) = 100.0 * static_cast<double>(i) + rng.normal();
        y(i) = 100.0 * static_cast<double>(i) + rng.normal();
    }
    const MutualInformation mi = mutual_information(views, y);
    CHECK(mi.nats == Approx(std::log(50.0)).margin(1e-9));
    CHECK(mi.log_n == Approx(std::log(50.0)).epsilon(1e-15));
}

TEST_CASE("estimate is bounded by log N and independent of the thread count", "[analysis][mi]") {
    Rng rng(8);
    const Eigen::Index n = 400;
    Eigen::MatrixXd views(n, 5);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double c = 0.5 * rng.normal();
        for (int j = 0; j < 5; ++j) views(i, j) = c + rng.normal();
        y(i) = c + rng.normal();
    }
    const MutualInformation many = mutual_information(views, y);
    MutualInformation one;
    tbb::task_arena arena(1);
    arena.execute([&] { one = mutual_information(views, y); });
    CHECK(one.nats == many.nats);  // bitwise
    CHECK(many.nats <= many.log_n);
}

TEST_CASE("zero pooled variance is floored", "[analysis][mi]") {
    // Deterministic views, y = µ: σ² = 0. Distinct means → log N; means in two tied pairs → log(4/2).
    const Eigen::MatrixXd distinct{{0, 0}, {1, 1}, {2, 2}, {3, 3}};
    MutualInformation mi = mutual_information(distinct, Eigen::VectorXd{{0, 1, 2, 3}});
    CHECK(mi.sigma2_floored);
    CHECK(mi.sigma2 == Approx(1e-12 * 1.25).epsilon(1e-12));  // Var(0, 1, 2, 3) = 1.25
    CHECK(mi.nats == Approx(std::log(4.0)).margin(1e-12));
    const Eigen::MatrixXd pairs{{0, 0}, {0, 0}, {1, 1}, {1, 1}};
    CHECK(mutual_information(pairs, Eigen::VectorXd{{0, 0, 1, 1}}).nats == Approx(std::log(2.0)).margin(1e-12));
    const Eigen::MatrixXd same = Eigen::MatrixXd::Constant(3, 2, 7.0);
    mi = mutual_information(same, Eigen::VectorXd::Constant(3, 7.0));
    CHECK(mi.nats == 0.0);
    CHECK(mi.sigma2_floored);
}

TEST_CASE("mutual information rejects bad input", "[analysis][mi]") {
    const Eigen::MatrixXd views{{0, 1}, {2, 3}};
    CHECK_THROWS_AS(mutual_information(views, Eigen::VectorXd{{0, 1, 2}}), Error);           // size mismatch
    CHECK_THROWS_AS(mutual_information(views.leftCols(1), Eigen::VectorXd{{0, 1}}), Error);  // L < 2
    CHECK_THROWS_AS(mutual_information(views.topRows(1), Eigen::VectorXd{{0}}), Error);      // N < 2
    CHECK_THROWS_AS(mutual_information(views, Eigen::VectorXd{{0, std::nan("")}}), Error);
}

TEST_CASE("logit difference of two classes", "[analysis][mi]") {
    RowMatrixF z(2, 3);
    z << 1, 5, 2,  //
        -1, 0, 4;
    const Eigen::VectorXd f = logit_difference(z, 2, 0);  // z_2 − z_0: 2 − 1, 4 − (−1)
    CHECK(f(0) == 1.0);
    CHECK(f(1) == 5.0);
    CHECK_THROWS_AS(logit_difference(z, 0, 3), Error);
}
