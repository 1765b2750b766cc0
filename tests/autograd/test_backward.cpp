#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/runtime/threads.hpp"
#include "framework/tensor/buffer_pool.hpp"

using namespace lskd;

namespace {
Variable scalar_param(float v) { return Variable(Tensor::full({1}, v), true); }
float value_of(const Variable& v) { return v.value().at(0); }
std::size_t pool_stats_live() { return pool_stats().live_buffers; }
}  // namespace

TEST_CASE("gradients accumulate over uses and over backward calls", "[autograd]") {
    Variable x = scalar_param(3.0f);
    Variable y = ops::add(x, x);  // y = 2x
    y.backward();
    CHECK(x.grad().at(0) == Approx(2.0f));
    Variable z = ops::add(x, x);
    z.backward();
    CHECK(x.grad().at(0) == Approx(4.0f));
}

TEST_CASE("a shared gradient is copied before a second contribution is added", "[autograd]") {
    Variable a = scalar_param(1.0f);
    Variable b = scalar_param(2.0f);
    Variable s = ops::add(a, b);  // both inputs receive the same gradient tensor
    Variable t = ops::add(s, a);  // a gets a second contribution
    t.backward();
    CHECK(a.grad().at(0) == Approx(2.0f));
    CHECK(b.grad().at(0) == Approx(1.0f));
}

TEST_CASE("gradients of many elements sum element by element, the same bits at 1 and 2 threads", "[autograd]") {
    // 70001 elements span three chunks of the threads' split, the last one partial. t = relu(a + b) + a, so
    // a's gradient is g·[a + b > 0] + g, the two contributions arriving as separate tensors.
    constexpr std::int64_t n = 70001;
    Tensor a0 = Tensor::empty({n}), b0 = Tensor::empty({n}), seed = Tensor::empty({n});
    for (std::int64_t i = 0; i < n; ++i) {
        a0.at(i) = static_cast<float>(i % 7) - 3.0f;
        b0.at(i) = static_cast<float>(i % 5) - 2.0f;
        seed.at(i) = 0.001f * static_cast<float>(i % 1000) + 0.5f;
    }
    const int threads_before = runtime::thread_info().threads;
    std::vector<Tensor> grads;
    for (const int threads : {1, 2}) {
        runtime::init_threads(threads);
        Variable a(a0.clone(), true), b(b0.clone(), true);
        Variable t = ops::add(ops::relu(ops::add(a, b)), a);
        t.backward(seed);
        grads.push_back(a.grad().clone());
    }
    runtime::init_threads(threads_before);
    std::int64_t wrong = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const float g = seed.at(i);
        const float expected = (a0.at(i) + b0.at(i) > 0.0f ? g : 0.0f) + g;
        wrong += grads[0].at(i) != expected || grads[1].at(i) != expected;
    }
    CHECK(wrong == 0);
}

TEST_CASE("no-grad guard records no graph", "[autograd]") {
    Variable x = scalar_param(1.0f);
    {
        NoGradGuard guard;
        Variable y = ops::add(x, x);
        CHECK_FALSE(y.requires_grad());
        CHECK(y.grad_fn() == nullptr);
        CHECK(value_of(y) == 2.0f);
    }
    CHECK(ops::add(x, x).requires_grad());
}

TEST_CASE("backward needs a scalar or a seed of the right shape", "[autograd]") {
    Variable x(Tensor::full({2}, 1.0f), true);
    Variable y = ops::add(x, x);
    CHECK_THROWS_AS(y.backward(), Error);
    CHECK_THROWS_AS(y.backward(Tensor::full({3}, 1.0f)), Error);
    CHECK_THROWS_AS(Variable(Tensor::full({1}, 1.0f)).backward(), Error);
}

TEST_CASE("backward frees the graph it walked", "[autograd]") {
    Variable x = scalar_param(1.0f);
    Variable y = ops::add(x, x);
    std::weak_ptr<Node> node = y.grad_fn();
    y.backward();
    CHECK(node.expired());
}

TEST_CASE("a 100,000-op chain runs backward and is destroyed without recursion", "[autograd]") {
    constexpr int kLength = 100000;
    Variable x = scalar_param(0.5f);
    SECTION("backward") {
        Variable y = x;
        for (int i = 0; i < kLength; ++i) y = ops::reshape(y, {1});
        y.backward();
        CHECK(x.grad().at(0) == 1.0f);
    }
    SECTION("destroyed without backward") {
        const auto live_before = pool_stats_live();
        {
            // reshape records a node without running a primitive, so the chain is cheap to build even on a
            // loaded machine, where each of 100,000 OpenMP regions would cost up to a millisecond.
            Variable y = x;
            for (int i = 0; i < kLength; ++i) y = ops::reshape(y, {1});
            CHECK(y.grad_fn() != nullptr);
            CHECK(value_of(y) == 0.5f);
        }
        CHECK(pool_stats_live() == live_before);
    }
}

TEST_CASE("a backward pass started from a gradient hook runs whole, and the pass that called it goes on",
          "[autograd][hook]") {
    // The inner pass must not reuse the work lists the outer pass is still walking.
    Variable a = scalar_param(1.0f), b = scalar_param(2.0f), c = scalar_param(3.0f);
    Variable inner = ops::add(ops::add(c, c), c);  // dc = 3
    a.set_grad_final_hook([&inner] { inner.backward(); });
    Variable outer = ops::add(ops::add(a, b), ops::add(b, b));  // da = 1, db = 3
    outer.backward();
    CHECK(c.grad().at(0) == Approx(3.0f));
    CHECK(a.grad().at(0) == Approx(1.0f));
    CHECK(b.grad().at(0) == Approx(3.0f));
    a.set_grad_final_hook({});
}
