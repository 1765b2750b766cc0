#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("add is elementwise a + b and passes the gradient to both inputs", "[ops][add]") {
    Rng rng(1);
    for (const Shape& s : {Shape{2, 3}, Shape{2, 5, 5, 8}, Shape{4097}}) {
        INFO("shape " << s.str());
        Variable a(random_tensor(s, rng), true), b(random_tensor(s, rng), true);
        Variable y = ops::add(a, b);
        for (std::int64_t i = 0; i < y.value().numel(); ++i)
            CHECK(y.value().at(i) == a.value().at(i) + b.value().at(i));
        Tensor g = random_tensor(s, rng);
        y.backward(g);
        for (std::int64_t i = 0; i < g.numel(); ++i) {
            CHECK(a.grad().at(i) == g.at(i));
            CHECK(b.grad().at(i) == g.at(i));
        }
    }
    // The same variable on both sides gets twice the gradient.
    Variable x(Tensor::full({3}, 1.0f), true);
    Variable y = ops::add(x, x);
    y.backward(Tensor::full({3}, 0.5f));
    for (float g : x.grad().values()) CHECK(g == 1.0f);
}

TEST_CASE("add rejects different shapes", "[ops][add]") {
    CHECK_THROWS_WITH(ops::add(Variable(Tensor::zeros({2, 3})), Variable(Tensor::zeros({3, 2}))),
                      Catch::Contains("shapes [2, 3] and [3, 2] differ"));
}
