// After one warm-up step, a training step creates no primitive, allocates no new buffer, and leaves the
// number of live buffers unchanged (the leak guard).
#include <catch2/catch.hpp>

#include "framework/core/random.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/ops.hpp"
#include "framework/tensor/buffer_pool.hpp"

using namespace lskd;

namespace {

Variable param(const Shape& s, Rng& rng) {
    Tensor t = Tensor::empty(s);
    for (auto& v : t.values()) v = rng.uniform(-0.1f, 0.1f);
    return Variable(t, true);
}

void sgd_step(std::vector<Variable>& params, float lr) {
    for (auto& p : params) {
        float* w = p.value().values_in_place().data();
        const float* g = p.grad().data();
        for (std::int64_t i = 0; i < p.value().numel(); ++i) w[i] -= lr * g[i];
        p.grad() = Tensor();
    }
}

}  // namespace

TEST_CASE("steady-state training steps create no primitive and leak no buffer", "[autograd][steady]") {
    Rng rng(5);
    std::vector<Variable> params = {param({16, 12}, rng), param({16}, rng), param({4, 16}, rng), param({4}, rng)};
    Variable x(Tensor::empty({8, 12}));
    for (auto& v : x.value().values()) v = rng.uniform(-1.f, 1.f);
    Tensor targets = Tensor::zeros({8, 4});
    for (int i = 0; i < 8; ++i) targets.at(i * 4 + i % 4) = 1.0f;

    auto step = [&] {
        // The unfused ReLU and the fused ones (linear's post-op, add's post-op) alike.
        Variable h = ops::add(ops::relu(ops::linear(x, params[0], params[1])),
                              ops::linear(x, params[0], params[1], {.relu = true}), {.relu = true});
        Variable loss = ops::soft_target_cross_entropy(ops::linear(h, params[2], params[3]), targets);
        loss.backward();
        sgd_step(params, 0.1f);
        return loss.value().at(0);
    };

    const float first_loss = step();
    const auto misses = dnnl_ctx::cache_stats().misses;
    const auto pool = pool_stats();
    float loss = first_loss;
    for (int i = 0; i < 100; ++i) loss = step();
    CHECK(dnnl_ctx::cache_stats().misses == misses);
    CHECK(pool_stats().live_buffers == pool.live_buffers);
    CHECK(pool_stats().fresh_allocations == pool.fresh_allocations);
    CHECK(loss < first_loss);
}
