#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/conv2d.hpp"
#include "framework/ops/ops.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using namespace lskd::nn;
using lskd::testing::random_tensor;

namespace {

// Direct convolution of NHWC x with OIHW w, for one output element.
double reference(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t n, std::int64_t oh, std::int64_t ow,
                 std::int64_t o, std::int64_t stride, std::int64_t pad) {
    const std::int64_t H = x.dim(1), W = x.dim(2), C = x.dim(3), K = w.dim(2);
    double acc = b.defined() ? b.at(o) : 0.0;
    for (std::int64_t c = 0; c < C; ++c)
        for (std::int64_t i = 0; i < K; ++i)
            for (std::int64_t j = 0; j < K; ++j) {
                const std::int64_t h = oh * stride - pad + i, wi = ow * stride - pad + j;
                if (h < 0 || h >= H || wi < 0 || wi >= W) continue;
                acc += static_cast<double>(x.at(((n * H + h) * W + wi) * C + c)) * w.at(((o * C + c) * K + i) * K + j);
            }
    return acc;
}

}  // namespace

TEST_CASE("Conv2d forward is ops::conv2d with its weight, bias, stride and padding", "[layers][conv2d]") {
    Rng rng(31);
    Conv2d conv(rng, 3, 4, 3, 2, 1);
    CHECK(conv.weight().shape() == Shape{4, 3, 3, 3});
    CHECK(conv.bias().shape() == Shape{4});
    Variable x(random_tensor({2, 7, 7, 3}, 3));
    const Variable y = conv.forward(x);
    CHECK(y.shape() == Shape{2, 4, 4, 4});  // (7 + 2 − 3)/2 + 1 = 4
    const Variable expected = ops::conv2d(x, conv.weight(), conv.bias(), {.stride = 2, .padding = 1});
    CHECK(std::equal(y.value().values().begin(), y.value().values().end(), expected.value().values().begin()));
    for (std::int64_t n : {0, 1})
        for (std::int64_t oh : {0, 3})
            for (std::int64_t ow : {0, 2})
                for (std::int64_t o : {0, 3}) {
                    const float got = y.value().at(((n * 4 + oh) * 4 + ow) * 4 + o);
                    CHECK(got ==
                          Approx(reference(x.value(), conv.weight().value(), conv.bias().value(), n, oh, ow, o, 2, 1))
                              .margin(1e-5));
                }
}

TEST_CASE("Conv2d without bias", "[layers][conv2d]") {
    Rng rng(32);
    Conv2d conv(rng, 2, 3, 1, 1, 0, false);
    CHECK_FALSE(conv.bias().defined());
    Variable x(random_tensor({1, 2, 2, 2}, 4));
    const Variable y = conv(x);
    CHECK(y.shape() == Shape{1, 2, 2, 3});
    const double expected = reference(x.value(), conv.weight().value(), Tensor(), 0, 0, 0, 0, 1, 0);
    CHECK(y.value().at(0) == Approx(expected).margin(1e-5));
    CHECK_THROWS_AS(Conv2d(rng, 2, 3, 3, 0), Error);
}
