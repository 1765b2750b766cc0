// gelu(x) = x·Φ(x) in its erf form, against PyTorch, and its gradient against finite differences.
#include <iomanip>

#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("gelu matches PyTorch", "[ops][gelu]") {
    // /usr/bin/python3 with torch, float64: x = tensor([-3, -1, -0.5, 0, 0.5, 1, 2, 3]); y = F.gelu(x) (the erf
    // form); y.sum().backward() gives dgelu/dx in x.grad.
    const std::vector<float> x = {-3, -1, -0.5f, 0, 0.5f, 1, 2, 3};
    const std::vector<double> y = {-0.004049694, -0.158655254, -0.154268769, 0.0,
                                   0.345731231,  0.841344746,  1.954499736,  2.995950306};
    const std::vector<double> dy = {-0.011945647, -0.083315471, 0.132504875, 0.5,
                                    0.867495125,  1.083315471,  1.085231801, 1.011945647};
    Variable v(Tensor::from({2, 4}, x), true);
    Variable out = ops::gelu(v);
    REQUIRE(out.shape() == Shape{2, 4});
    out.backward(Tensor::full({2, 4}, 1.0f));
    for (std::int64_t i = 0; i < 8; ++i) {
        const auto k = static_cast<std::size_t>(i);
        INFO(std::setprecision(10) << "x " << x[k] << " gelu " << out.value().at(i) << " grad " << v.grad().at(i));
        CHECK(out.value().at(i) == Approx(y[k]).margin(1e-6));
        CHECK(v.grad().at(i) == Approx(dy[k]).margin(1e-6));
    }
}

TEST_CASE("gelu without a graph", "[ops][gelu]") {
    Variable x(random_tensor({3, 7}, 5), true);
    const Tensor with_graph = ops::gelu(x).value().clone();
    NoGradGuard no_grad;
    const Variable y = ops::gelu(x);
    CHECK_FALSE(y.requires_grad());
    for (std::int64_t i = 0; i < y.value().numel(); ++i) CHECK(y.value().at(i) == with_graph.at(i));
}

TEST_CASE("gelu gradcheck", "[ops][gelu]") {
    Rng rng(3);
    const auto r = gradcheck([](const std::vector<Variable>& v) { return ops::gelu(v[0]); },
                             {Variable(random_tensor({4, 6}, rng, -3.0f, 3.0f), true)}, 7, 1e-2f);
    INFO("max abs error " << r.max_abs_error);
    CHECK(r.checked == 24);
    CHECK(r.max_rel_error < 2e-3);
}
