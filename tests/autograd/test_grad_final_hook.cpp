#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/ops/ops.hpp"

using namespace lskd;

namespace {

Variable random_leaf(const Shape& s, Rng& rng, bool requires_grad = true) {
    Tensor t = Tensor::empty(s);
    for (auto& v : t.values()) v = rng.uniform(-1.0f, 1.0f);
    return Variable(t, requires_grad);
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.defined() && b.defined() && a.numel() == b.numel() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0;
}

// Records, for each hooked leaf, when its hook ran and a copy of its gradient at that moment.
struct HookLog {
    std::vector<std::string> order;
    std::vector<Tensor> grads;

    void watch(Variable& v, std::string name) {
        v.set_grad_final_hook([this, v, name]() mutable {
            order.push_back(name);
            grads.push_back(v.grad().defined() ? v.grad().clone() : Tensor());
        });
    }
};

}  // namespace

TEST_CASE("a weight used twice gets its hook once, after its second contribution", "[autograd][hook]") {
    Rng rng(11);
    Variable x = random_leaf({4, 3}, rng, false);
    Variable w = random_leaf({3, 3}, rng), b1 = random_leaf({3}, rng), b2 = random_leaf({3}, rng);
    HookLog log;
    log.watch(w, "w");
    log.watch(b1, "b1");
    log.watch(b2, "b2");
    // The same weight in both layers: its gradient is the sum of the two layers' contributions.
    Variable y = ops::linear(ops::linear(x, w, b1), w, b2);
    ops::squared_error(y, Tensor::zeros({4, 3})).backward();
    REQUIRE(log.order.size() == 3);
    // b2's use is released by the second layer's node, w's last and b1's by the first layer's.
    CHECK(log.order[0] == "b2");
    CHECK(log.order[1] == "w");
    CHECK(log.order[2] == "b1");
    CHECK(same_bits(log.grads[1], w.grad()));  // nothing was added after the hook ran
    CHECK(same_bits(log.grads[0], b2.grad()));
    CHECK(same_bits(log.grads[2], b1.grad()));
}

TEST_CASE("the hook fires once per backward call, even for a leaf used twice by one op", "[autograd][hook]") {
    Variable x(Tensor::full({1}, 3.0f), true);
    HookLog log;
    log.watch(x, "x");
    ops::add(x, x).backward();
    REQUIRE(log.order.size() == 1);
    CHECK(log.grads[0].at(0) == 2.0f);
    ops::add(ops::add(x, x), x).backward();  // accumulates: 2 + 3
    REQUIRE(log.order.size() == 2);
    CHECK(log.grads[1].at(0) == 5.0f);
    x.backward();  // a leaf as its own root
    REQUIRE(log.order.size() == 3);
    CHECK(log.grads[2].at(0) == 6.0f);
}

TEST_CASE("a leaf the graph does not use gets no call and keeps no gradient", "[autograd][hook]") {
    Rng rng(12);
    Variable x = random_leaf({2, 3}, rng, false);
    Variable w = random_leaf({2, 3}, rng), b = random_leaf({2}, rng), unused = random_leaf({2, 2}, rng);
    HookLog log;
    log.watch(w, "w");
    log.watch(b, "b");
    log.watch(unused, "unused");
    ops::squared_error(ops::linear(x, w, b), Tensor::zeros({2, 2})).backward();
    REQUIRE(log.order.size() == 2);
    CHECK(log.order[0] != "unused");
    CHECK(log.order[1] != "unused");
    CHECK_FALSE(unused.grad().defined());
}

TEST_CASE("an empty hook removes it, and only leaves take one", "[autograd][hook]") {
    Variable x(Tensor::full({1}, 1.0f), true);
    int calls = 0;
    x.set_grad_final_hook([&calls] { ++calls; });
    ops::add(x, x).backward();
    CHECK(calls == 1);
    x.set_grad_final_hook({});
    ops::add(x, x).backward();
    CHECK(calls == 1);
    Variable y = ops::add(x, x);
    CHECK_THROWS_AS(y.set_grad_final_hook([] {}), Error);
}
