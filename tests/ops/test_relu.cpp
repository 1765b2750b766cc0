#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("relu forward is max(x, 0) and its gradient passes where the output is positive", "[ops][relu]") {
    Rng rng(1);
    for (const Shape& s : {Shape{3, 5}, Shape{2, 4, 4, 3}, Shape{1000}}) {
        INFO("shape " << s.str());
        Variable x(random_tensor(s, rng), true);
        Variable y = ops::relu(x);
        Tensor g = random_tensor(s, rng);
        y.backward(g);
        for (std::int64_t i = 0; i < x.value().numel(); ++i) {
            const float v = x.value().at(i);
            CHECK(y.value().at(i) == (v > 0.0f ? v : 0.0f));
            CHECK(x.grad().at(i) == (v > 0.0f ? g.at(i) : 0.0f));
        }
        NoGradGuard no_grad;
        const Variable yi = ops::relu(x);
        for (std::int64_t i = 0; i < x.value().numel(); ++i) CHECK(yi.value().at(i) == std::max(x.value().at(i), 0.0f));
    }
}
