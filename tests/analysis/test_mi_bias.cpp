// The MI estimator's bias on Gaussian mixtures whose mutual information the quadrature gives: the quadrature is
// checked at its exact limits, then the estimator at the probes' settings (quick: N = 600, L = 5; erasure:
// N = 2000, L = 20), homoscedastic and with noise growing with |µ|.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/mi_bias.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::analysis;

TEST_CASE("the quadrature gives the exact limits", "[analysis][mi]") {
    // N components far apart carry log N; N identical ones carry nothing.
    const Eigen::VectorXd apart{{0, 100, 200, 300}}, same{{1, 1, 1, 1}}, ones = Eigen::VectorXd::Ones(4);
    CHECK(mixture_mutual_information(apart, ones) == Approx(std::log(4.0)).margin(1e-6));
    CHECK(mixture_mutual_information(same, ones) == Approx(0.0).margin(1e-6));
    // Two class clusters of many examples, each far narrower than the gap: the class bit, log 2.
    Eigen::VectorXd two(200), sigmas = Eigen::VectorXd::Constant(200, 1.0);
    for (Eigen::Index i = 0; i < 200; ++i) two(i) = i < 100 ? -500.0 : 500.0;
    CHECK(mixture_mutual_information(two, sigmas) == Approx(std::log(2.0)).margin(1e-6));
    CHECK_THROWS_AS(mixture_mutual_information(two, Eigen::VectorXd::Zero(200)), Error);
}

TEST_CASE("raising N and L shrinks the estimator's bias", "[analysis][mi]") {
    for (double growth : {0.0, 1.0})
        for (double spread : {0.5, 1.0, 2.0}) {
            MixtureSpec quick;
            quick.spread = spread;
            quick.growth = growth;
            MixtureSpec erasure = quick;
            erasure.examples = 2000;
            erasure.views = 20;
            const MixtureBias q = estimator_bias(quick), e = estimator_bias(erasure);
            INFO("spread " << spread << ", growth " << growth << ": I = " << q.truth << ", bias at N = 600, L = 5: "
                           << q.bias() << "; I = " << e.truth << ", bias at N = 2000, L = 20: " << e.bias());
            // The estimator is biased low (the pooled σ² and the finite L both blur the means), less so with more
            // views; a whole 0.05 nats (M9's minimum effect) at the quick probe's settings is within reach of it.
            CHECK(q.bias() < 0);
            CHECK(std::abs(e.bias()) < std::abs(q.bias()));
            // At the erasure study's settings the bias stays below M9's minimum effect wherever the within-class
            // spread is at most the view noise.
            if (spread <= 1) CHECK(std::abs(e.bias()) < 0.05);
        }
}

TEST_CASE("the bias estimate is deterministic and checks its input", "[analysis][mi]") {
    MixtureSpec spec;
    spec.examples = 100;
    CHECK(estimator_bias(spec).estimate == estimator_bias(spec).estimate);
    spec.examples = 101;
    CHECK_THROWS_AS(estimator_bias(spec), Error);
    spec.examples = 100;
    spec.views = 1;
    CHECK_THROWS_AS(estimator_bias(spec), Error);
}
