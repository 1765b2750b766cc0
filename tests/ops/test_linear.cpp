#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/reference.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

// y[i, o] = Σ_k x[i, k] w[o, k] + b[o]
Tensor linear_reference(const Tensor& x, const Tensor& w, const Tensor* b) {
    const std::int64_t n = x.dim(0), in = x.dim(1), out = w.dim(0);
    Tensor y = Tensor::empty({n, out});
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t o = 0; o < out; ++o) {
            double acc = b != nullptr ? b->at(o) : 0.0;
            for (std::int64_t k = 0; k < in; ++k) acc += static_cast<double>(x.at(i * in + k)) * w.at(o * in + k);
            y.at(i * out + o) = static_cast<float>(acc);
        }
    return y;
}

}  // namespace

TEST_CASE("linear forward matches a naive loop, with and without bias, both prop kinds", "[ops][linear]") {
    Rng rng(1);
    for (const auto& [n, in, out] :
         {std::tuple{3, 4, 5}, std::tuple{1, 7, 1}, std::tuple{16, 33, 10}, std::tuple{64, 128, 96}}) {
        for (const bool bias : {true, false}) {
            for (const bool graph : {true, false}) {
                INFO("n " << n << " in " << in << " out " << out << " bias " << bias << " graph " << graph);
                Variable x(random_tensor({n, in}, rng), graph);
                Variable w(random_tensor({out, in}, rng), graph);
                Variable b = bias ? Variable(random_tensor({out}, rng), graph) : Variable();
                const Variable y = ops::linear(x, w, b);
                CHECK(y.requires_grad() == graph);
                CHECK(max_rel_diff(y.value(), linear_reference(x.value(), w.value(), bias ? &b.value() : nullptr)) <
                      1e-5);
            }
        }
    }
}

TEST_CASE("linear rejects mismatched shapes", "[ops][linear]") {
    Variable x(Tensor::zeros({2, 4})), w(Tensor::zeros({3, 4}));
    CHECK_THROWS_WITH(ops::linear(Variable(Tensor::zeros({2, 5})), w, Variable()),
                      Catch::Contains("does not match weight"));
    CHECK_THROWS_WITH(ops::linear(x, w, Variable(Tensor::zeros({4}))), Catch::Contains("bias [4] does not match"));
    CHECK_NOTHROW(ops::linear(x, w, Variable()));
}
