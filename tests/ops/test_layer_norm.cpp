// layer_norm over the last dimension against PyTorch's F.layer_norm (values and all three gradients), on rows of
// several leading dimensions, and against finite differences.
#include <cmath>
#include <iomanip>

#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

void check_values(const Tensor& got, const std::vector<double>& want, const char* what) {
    REQUIRE(got.numel() == static_cast<std::int64_t>(want.size()));
    for (std::int64_t i = 0; i < got.numel(); ++i) {
        INFO(std::setprecision(10) << what << " " << i << " got " << got.at(i));
        CHECK(got.at(i) == Approx(want[static_cast<std::size_t>(i)]).margin(2e-5));
    }
}

}  // namespace

TEST_CASE("layer_norm matches PyTorch", "[ops][layer_norm]") {
    // /usr/bin/python3 with torch, float64: x = [[1, 2, 3, 4], [-1, 0.5, 2, -3]], gamma = [0.5, 1, 1.5, 2],
    // beta = [0.1, -0.2, 0.3, 0]; y = F.layer_norm(x, (4,), gamma, beta, 1e-5); y.backward(g) with
    // g = [[1, -2, 0.5, 3], [0.25, 1, -1, 2]] gives x.grad, gamma.grad and beta.grad.
    Variable x(Tensor::from({2, 4}, std::vector<float>{1, 2, 3, 4, -1, 0.5f, 2, -3}), true);
    Variable gamma(Tensor::from({4}, std::vector<float>{0.5f, 1, 1.5f, 2}), true);
    Variable beta(Tensor::from({4}, std::vector<float>{0.1f, -0.2f, 0.3f, 0}), true);
    Variable y = ops::layer_norm(x, gamma, beta);
    check_values(
        y.value(),
        {-0.570817710, -0.647211807, 0.970817710, 2.683270840, -0.068934098, 0.273015474, 2.225848714, -2.838092842},
        "y");
    y.backward(Tensor::from({2, 4}, std::vector<float>{1, -2, 0.5f, 3, 0.25f, 1, -1, 2}));
    check_values(
        x.grad(),
        {1.855908337, -2.101902378, -1.363989123, 1.609983165, -0.749788737, 0.509115119, -0.056469280, 0.297142898},
        "dx");
    check_values(gamma.grad(), {-1.426102469, 1.367439087, -1.060293240, 1.186813418}, "dgamma");
    check_values(beta.grad(), {1.25, -1.0, -0.5, 5.0}, "dbeta");
}

TEST_CASE("layer_norm normalises each row of a rank 3 input", "[ops][layer_norm]") {
    // With gamma = 1 and beta = 0 every row of the last dimension gets mean 0 and biased variance 1/(1 + eps/var).
    Rng rng(4);
    const Tensor x = random_tensor({2, 3, 8}, rng, -2.0f, 2.0f);
    NoGradGuard no_grad;
    const Variable y = ops::layer_norm(Variable(x), Variable(Tensor::full({8}, 1.0f)), Variable(Tensor::zeros({8})));
    REQUIRE(y.shape() == Shape{2, 3, 8});
    for (std::int64_t row = 0; row < 6; ++row) {
        double mean = 0.0, sq = 0.0;
        for (std::int64_t j = 0; j < 8; ++j) mean += y.value().at(row * 8 + j) / 8.0;
        for (std::int64_t j = 0; j < 8; ++j) sq += std::pow(y.value().at(row * 8 + j) - mean, 2) / 8.0;
        CHECK(mean == Approx(0.0).margin(1e-6));
        CHECK(sq == Approx(1.0).epsilon(1e-4));
    }
}

TEST_CASE("layer_norm gradcheck", "[ops][layer_norm]") {
    Rng rng(6);
    const auto r =
        gradcheck([](const std::vector<Variable>& v) { return ops::layer_norm(v[0], v[1], v[2]); },
                  {Variable(random_tensor({2, 3, 5}, rng), true), Variable(random_tensor({5}, rng, 0.5f, 1.5f), true),
                   Variable(random_tensor({5}, rng), true)},
                  7, 1e-2f);
    INFO("max abs error " << r.max_abs_error);
    CHECK(r.checked == 40);
    CHECK(r.max_rel_error < 2e-2);
}

TEST_CASE("layer_norm rejects bad shapes", "[ops][layer_norm]") {
    const Variable x(Tensor::zeros({2, 4}));
    const Variable ok(Tensor::full({4}, 1.0f));
    CHECK_THROWS_WITH(ops::layer_norm(x, Variable(Tensor::zeros({3})), ok), Catch::Contains("gamma [3] must be [4]"));
    CHECK_THROWS_WITH(ops::layer_norm(x, ok, Variable(Tensor::zeros({2, 2}))), Catch::Contains("beta [2, 2]"));
    CHECK_THROWS_WITH(ops::layer_norm(x, ok, ok, 0.0f), Catch::Contains("eps must be > 0"));
    CHECK_THROWS_AS(ops::layer_norm(x, Variable(), ok), Error);
}
