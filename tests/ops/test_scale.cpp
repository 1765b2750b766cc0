#include <vector>

#include <catch2/catch.hpp>

#include "framework/ops/ops.hpp"

using namespace lskd;

TEST_CASE("scale multiplies", "[scale]") {
    const Variable x(Tensor::from({2, 2}, std::vector<float>{1, -2, 0.5f, 4}), true);
    const Variable y = ops::scale(x, 3.0f);
    CHECK(std::vector<float>(y.value().values().begin(), y.value().values().end()) ==
          std::vector<float>{3, -6, 1.5f, 12});
    Variable(y).backward(Tensor::from({2, 2}, std::vector<float>{1, 2, 3, 4}));
    CHECK(std::vector<float>(x.grad().values().begin(), x.grad().values().end()) == std::vector<float>{3, 6, 9, 12});
}
