#include <vector>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"

using namespace lskd;

TEST_CASE("narrow keeps rows", "[narrow]") {
    const Variable x(Tensor::from({3, 2}, std::vector<float>{1, 2, 3, 4, 5, 6}), true);
    const Variable y = ops::narrow(x, 1, 3);
    CHECK(y.shape() == Shape{2, 2});
    CHECK(std::vector<float>(y.value().values().begin(), y.value().values().end()) == std::vector<float>{3, 4, 5, 6});
    Variable(y).backward(Tensor::full({2, 2}, 2.0f));
    CHECK(std::vector<float>(x.grad().values().begin(), x.grad().values().end()) ==
          std::vector<float>{0, 0, 2, 2, 2, 2});
    CHECK_THROWS_WITH(ops::narrow(x, 2, 4), "narrow: range [2, 4) is not inside the first dimension of [3, 2]");
    CHECK_THROWS_AS(ops::narrow(x, 1, 1), Error);
}
