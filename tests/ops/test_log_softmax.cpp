#include <cmath>

#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/reference.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("log_softmax matches z − log Σ exp z row by row", "[ops][log_softmax]") {
    Rng rng(1);
    for (const auto& [n, k] : {std::pair{3, 5}, std::pair{1, 1}, std::pair{8, 10}, std::pair{4, 1000}}) {
        INFO("n " << n << " k " << k);
        Variable x(random_tensor({n, k}, rng, -20.0f, 20.0f), true);
        Variable y = ops::log_softmax(x);
        Tensor ref = Tensor::empty({n, k});
        for (std::int64_t i = 0; i < n; ++i) {
            double m = -1e300, s = 0.0;
            for (std::int64_t j = 0; j < k; ++j) m = std::max(m, static_cast<double>(x.value().at(i * k + j)));
            for (std::int64_t j = 0; j < k; ++j) s += std::exp(x.value().at(i * k + j) - m);
            for (std::int64_t j = 0; j < k; ++j)
                ref.at(i * k + j) = static_cast<float>(x.value().at(i * k + j) - m - std::log(s));
        }
        CHECK(max_rel_diff(y.value(), ref) < 1e-5);
        // Backward: g − softmax · Σ g.
        Tensor g = random_tensor({n, k}, rng);
        y.backward(g);
        Tensor gref = Tensor::empty({n, k});
        for (std::int64_t i = 0; i < n; ++i) {
            double gs = 0.0;
            for (std::int64_t j = 0; j < k; ++j) gs += g.at(i * k + j);
            for (std::int64_t j = 0; j < k; ++j)
                gref.at(i * k + j) = static_cast<float>(g.at(i * k + j) - std::exp(double(ref.at(i * k + j))) * gs);
        }
        CHECK(max_rel_diff(x.grad(), gref) < 1e-5);
        NoGradGuard no_grad;
        CHECK(max_rel_diff(ops::log_softmax(x).value(), ref) < 1e-5);
    }
    CHECK_THROWS_WITH(ops::log_softmax(Variable(Tensor::zeros({2, 3, 4}))), Catch::Contains("expected [N, K]"));
}
