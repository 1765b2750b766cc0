#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/linear.hpp"
#include "framework/ops/ops.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using namespace lskd::nn;
using lskd::testing::random_tensor;

namespace {

bool same(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && std::equal(a.values().begin(), a.values().end(), b.values().begin());
}

}  // namespace

TEST_CASE("Linear forward is ops::linear with its weight and bias", "[layers][linear]") {
    Rng rng(21);
    Linear fc(rng, 5, 3);
    CHECK(fc.in_features() == 5);
    CHECK(fc.out_features() == 3);
    CHECK(fc.weight().shape() == Shape{3, 5});
    CHECK(fc.bias().shape() == Shape{3});
    Variable x(random_tensor({4, 5}, 1));
    const Variable y = fc.forward(x);
    CHECK(y.shape() == Shape{4, 3});
    CHECK(same(y.value(), ops::linear(x, fc.weight(), fc.bias()).value()));

    // y[0][0] = Σ_k x[0][k]·W[0][k] + b[0]
    double expected = fc.bias().value().at(0);
    for (int k = 0; k < 5; ++k) expected += static_cast<double>(x.value().at(k)) * fc.weight().value().at(k);
    CHECK(y.value().at(0) == Approx(expected).margin(1e-5));
}

TEST_CASE("Linear without bias, and its gradients", "[layers][linear]") {
    Rng rng(22);
    Linear fc(rng, 4, 2, false);
    CHECK_FALSE(fc.bias().defined());
    CHECK(fc.named_parameters().size() == 1);
    Variable x(random_tensor({3, 4}, 2));
    Variable y = fc(x);
    CHECK(same(y.value(), ops::linear(x, fc.weight(), Variable()).value()));
    y.backward(Tensor::full(y.shape(), 1.0f));
    // d Σ y / d W[o][k] = Σ_n x[n][k]
    REQUIRE(fc.weight().grad().defined());
    for (int k = 0; k < 4; ++k) {
        const double col = x.value().at(k) + x.value().at(4 + k) + x.value().at(8 + k);
        CHECK(fc.weight().grad().at(k) == Approx(col).margin(1e-5));
        CHECK(fc.weight().grad().at(4 + k) == Approx(col).margin(1e-5));
    }
    CHECK_THROWS_AS(fc(Variable(Tensor::zeros({3, 5}))), Error);
    CHECK_THROWS_AS(Linear(rng, 0, 2), Error);
}
