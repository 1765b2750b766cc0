#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/dropout.hpp"

using namespace lskd;
using namespace lskd::nn;

namespace {

std::vector<float> run(Dropout& d, const Variable& x) {
    const auto v = d.forward(x).value().values();
    return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("Dropout masks are reproducible from the seed and change with each call", "[layers][dropout]") {
    Variable x(Tensor::full({64, 32}, 1.0f));
    Dropout a(0.25f, 99), b(0.25f, 99), c(0.25f, 100);
    const auto a0 = run(a, x), a1 = run(a, x);
    CHECK(a.counter() == 2);
    CHECK(a0 != a1);
    CHECK(run(b, x) == a0);
    CHECK(run(b, x) == a1);
    CHECK(run(c, x) != a0);

    std::size_t zeros = 0;
    for (float v : a0) {
        CHECK((v == 0.0f || v == Approx(1.0f / 0.75f)));
        zeros += v == 0.0f;
    }
    CHECK(static_cast<double>(zeros) / a0.size() == Approx(0.25).margin(0.03));

    a.reset_seed(99);
    CHECK(a.counter() == 0);
    CHECK(run(a, x) == a0);
}

TEST_CASE("Dropout resumes its mask sequence from a restored counter", "[layers][dropout]") {
    Variable x(Tensor::full({8, 8}, 1.0f));
    Dropout a(0.5f, 3), b(0.5f, 3);
    run(a, x);
    run(a, x);
    b.load_counters(a.named_counters());
    CHECK(run(b, x) == run(a, x));
}

TEST_CASE("Dropout is the identity in eval mode", "[layers][dropout]") {
    Variable x(Tensor::full({4, 4}, 2.0f));
    Dropout d(0.9f, 1);
    d.eval();
    const Variable y = d(x);
    CHECK(y.value().data() == x.value().data());
    CHECK(d.counter() == 0);
    CHECK_THROWS_AS(Dropout(1.0f), Error);
}
