#include <cmath>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

TEST_CASE("dropout keeps about 1 − p of the elements, scaled exactly by 1/(1 − p)", "[ops][dropout]") {
    const std::int64_t n = 200000;
    Variable x(Tensor::full({n / 100, 100}, 1.5f));
    for (const float p : {0.1f, 0.5f, 0.8f}) {
        INFO("p " << p);
        const Variable y = ops::dropout(x, p, true, 42, 3);
        const float kept_value = 1.5f * (1.0f / (1.0f - p));
        std::int64_t kept = 0;
        for (float v : y.value().values()) {
            if (v != 0.0f) {
                CHECK(v == kept_value);
                ++kept;
            }
        }
        // Binomial standard deviation sqrt(n p (1−p)) is at most 224 here; allow more than 5 of them.
        CHECK(std::abs(static_cast<double>(kept) / n - (1.0 - p)) < 0.006);
    }
}

TEST_CASE("dropout's mask is the documented pure function of (seed, counter, element)", "[ops][dropout]") {
    Rng rng(1);
    Variable x(random_tensor({7, 13}, rng, 0.5f, 1.0f));  // no zeros in x, so y == 0 exactly marks a drop
    const float p = 0.4f;
    const Variable y = ops::dropout(x, p, true, 1234, 77);
    for (std::int64_t i = 0; i < x.value().numel(); ++i) {
        const bool keep = to_unit_float(hash_keys(1234, {77, static_cast<std::uint64_t>(i)})) >= p;
        CHECK(y.value().at(i) == (keep ? x.value().at(i) * (1.0f / (1.0f - p)) : 0.0f));
    }
    // Determinism for a given (seed, counter); another counter or seed gives another mask.
    const Variable again = ops::dropout(x, p, true, 1234, 77);
    const Variable next = ops::dropout(x, p, true, 1234, 78);
    const Variable other_seed = ops::dropout(x, p, true, 1235, 77);
    std::int64_t same_next = 0, same_seed = 0;
    for (std::int64_t i = 0; i < x.value().numel(); ++i) {
        CHECK(again.value().at(i) == y.value().at(i));
        same_next += (next.value().at(i) == 0.0f) == (y.value().at(i) == 0.0f);
        same_seed += (other_seed.value().at(i) == 0.0f) == (y.value().at(i) == 0.0f);
    }
    CHECK(same_next < x.value().numel());
    CHECK(same_seed < x.value().numel());
}

TEST_CASE("dropout's gradient is the mask", "[ops][dropout]") {
    Rng rng(2);
    Variable x(random_tensor({5, 8}, rng, 0.5f, 1.0f), true);
    Variable y = ops::dropout(x, 0.5f, true, 9, 1);
    Tensor g = random_tensor(y.shape(), rng);
    y.backward(g);
    for (std::int64_t i = 0; i < x.value().numel(); ++i)
        CHECK(x.grad().at(i) == (y.value().at(i) == 0.0f ? 0.0f : g.at(i) * 2.0f));
}

TEST_CASE("dropout is the identity when not training or p == 0, and rejects p below 0 or from 1 on", "[ops][dropout]") {
    Variable x(Tensor::full({3, 3}, 1.0f), true);
    CHECK(ops::dropout(x, 0.5f, false, 1, 1).impl() == x.impl());
    CHECK(ops::dropout(x, 0.0f, true, 1, 1).impl() == x.impl());
    CHECK_THROWS_WITH(ops::dropout(x, 1.0f, true, 1, 1), Catch::Contains("p must be in [0, 1)"));
    CHECK_THROWS_AS(ops::dropout(x, -0.1f, true, 1, 1), Error);
    CHECK_THROWS_AS(ops::dropout(x, std::nanf(""), false, 1, 1), Error);
}
