#include <algorithm>
#include <array>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/thread_bits.hpp"
#include "tests/ops/warm_run.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

// out[j] = x[i] where j's index along output dimension d is i's index along input dimension order[d].
Tensor permute_reference(const Tensor& x, const std::vector<int>& order) {
    const Shape s = x.shape();
    Tensor y = Tensor::empty({s[order[0]], s[order[1]], s[order[2]], s[order[3]]});
    const Shape t = y.shape();
    std::array<std::int64_t, 4> at{};
    for (at[0] = 0; at[0] < s[0]; ++at[0])
        for (at[1] = 0; at[1] < s[1]; ++at[1])
            for (at[2] = 0; at[2] < s[2]; ++at[2])
                for (at[3] = 0; at[3] < s[3]; ++at[3]) {
                    const auto o = [&](int d) { return at[static_cast<std::size_t>(order[static_cast<size_t>(d)])]; };
                    const std::int64_t from = ((at[0] * s[1] + at[1]) * s[2] + at[2]) * s[3] + at[3];
                    y.at(((o(0) * t[1] + o(1)) * t[2] + o(2)) * t[3] + o(3)) = x.at(from);
                }
    return y;
}

std::vector<int> inverse(const std::vector<int>& order) {
    std::vector<int> inv(4);
    for (int i = 0; i < 4; ++i) inv[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = i;
    return inv;
}

Tensor iota(const Shape& s) {
    Tensor t = Tensor::empty(s);
    for (std::int64_t i = 0; i < t.numel(); ++i) t.at(i) = static_cast<float>(i);
    return t;
}

bool same_values(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && std::equal(a.values().begin(), a.values().end(), b.values().begin());
}

}  // namespace

TEST_CASE("permute against PyTorch", "[ops][permute]") {
    // /usr/bin/python3: x = torch.arange(24.).reshape(1, 2, 3, 4); x.permute(...).flatten().tolist()
    const Tensor x = iota({1, 2, 3, 4});
    const Variable heads = ops::permute(Variable(x), {0, 2, 1, 3});
    CHECK(heads.shape() == Shape{1, 3, 2, 4});
    CHECK(same_values(heads.value(),
                      Tensor::from({1, 3, 2, 4}, std::vector<float>{0,  1,  2,  3,  12, 13, 14, 15, 4,  5,  6,  7,
                                                                    16, 17, 18, 19, 8,  9,  10, 11, 20, 21, 22, 23})));
    const Variable mixed = ops::permute(Variable(x), {3, 1, 0, 2});
    CHECK(mixed.shape() == Shape{4, 2, 1, 3});
    CHECK(same_values(mixed.value(),
                      Tensor::from({4, 2, 1, 3}, std::vector<float>{0, 4, 8,  12, 16, 20, 1, 5, 9,  13, 17, 21,
                                                                    2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23})));
}

TEST_CASE("permute every order against a loop", "[ops][permute]") {
    const Tensor x = iota({2, 3, 4, 5});
    std::vector<int> order{0, 1, 2, 3};
    int count = 0;
    do {
        INFO("order " << order[0] << order[1] << order[2] << order[3]);
        Variable xv(x.clone(), true);
        Variable y = ops::permute(xv, order);
        CHECK(same_values(y.value(), permute_reference(x, order)));
        // The gradient of Σ g·y is g permuted back: the inverse order.
        const Tensor g = iota(y.shape());
        y.backward(g);
        CHECK(same_values(xv.grad(), permute_reference(g, inverse(order))));
        ++count;
    } while (std::next_permutation(order.begin(), order.end()));
    CHECK(count == 24);
}

TEST_CASE("permute splits and merges attention heads", "[ops][permute]") {
    // [B, L, H, d] → [B, H, L, d] and back gives the same bits.
    Rng rng(3);
    const Tensor x = random_tensor({16, 24, 4, 32}, rng);
    const Variable heads = ops::permute(Variable(x), {0, 2, 1, 3});
    CHECK(same_values(heads.value(), permute_reference(x, {0, 2, 1, 3})));
    CHECK(same_values(ops::permute(heads, {0, 2, 1, 3}).value(), x));
}

TEST_CASE("permute gradient by finite differences", "[ops][permute]") {
    Rng rng(4);
    const OpFn f = [](const std::vector<Variable>& v) { return ops::permute(v[0], {2, 0, 3, 1}); };
    const GradcheckResult r = gradcheck(f, {Variable(random_tensor({2, 3, 2, 4}, rng), true)});
    CHECK(r.checked == 48);
    CHECK(r.max_rel_error < 1e-3);
}

TEST_CASE("permute rejects bad orders and ranks", "[ops][permute]") {
    const Variable x(Tensor::zeros({1, 2, 3, 4}));
    CHECK_THROWS_WITH(ops::permute(x, {0, 1, 1, 3}), Catch::Contains("order [0, 1, 1, 3] is not a permutation"));
    CHECK_THROWS_WITH(ops::permute(x, {0, 1, 2}), Catch::Contains("order [0, 1, 2] is not a permutation"));
    CHECK_THROWS_WITH(ops::permute(x, {0, 1, 2, 4}), Catch::Contains("is not a permutation"));
    CHECK_THROWS_WITH(ops::permute(x, {0, -1, 2, 3}), Catch::Contains("is not a permutation"));
    CHECK_THROWS_WITH(ops::permute(Variable(Tensor::zeros({2, 3, 4})), {0, 1, 2, 3}),
                      Catch::Contains("rank-4 input, got [2, 3, 4]"));
}

TEST_CASE("permute warm run creates nothing", "[ops][permute][cache]") {
    Rng rng(8);
    Variable x(random_tensor({8, 16, 4, 32}, rng), true);
    const Tensor g = random_tensor({8, 4, 16, 32}, rng);
    check_warm_run_creates_nothing([&] {
        x.grad() = Tensor();
        ops::permute(x, {0, 2, 1, 3}).backward(g);
    });
}

TEST_CASE("permute same bits at 1 and 2 threads", "[ops][permute]") {
    check_same_bits_at_1_and_2_threads([] {
        Rng rng(9);
        Variable x(random_tensor({32, 16, 4, 32}, rng), true);
        Variable y = ops::permute(x, {0, 2, 1, 3});
        y.backward(random_tensor(y.shape(), rng));
        return std::vector<Tensor>{y.value(), x.grad()};
    });
}
