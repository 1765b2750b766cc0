// A warmed-up training step creates no primitive, reorders no weight whose version is unchanged, and
// allocates no new buffer.
#include <catch2/catch.hpp>

#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/weight_reorders.hpp"
#include "framework/tensor/buffer_pool.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

struct SmallCnn {
    Rng rng{77};
    Variable conv1_w{random_tensor({32, 3, 3, 3}, rng, -0.3f, 0.3f), true};
    Variable conv1_b{random_tensor({32}, rng), true};
    Variable bn_gamma{random_tensor({32}, rng, 0.5f, 1.5f), true};
    Variable bn_beta{random_tensor({32}, rng), true};
    Tensor running_mean = Tensor::zeros({32});
    Tensor running_var = Tensor::full({32}, 1.0f);
    Variable conv2_w{random_tensor({32, 32, 3, 3}, rng, -0.1f, 0.1f), true};
    Variable fc_w{random_tensor({10, 32}, rng), true};
    Variable fc_b{random_tensor({10}, rng), true};
    Tensor input = random_tensor({8, 12, 12, 3}, rng);
    Tensor targets = Tensor::full({8, 10}, 0.1f);

    std::vector<Variable*> params() { return {&conv1_w, &conv1_b, &bn_gamma, &bn_beta, &conv2_w, &fc_w, &fc_b}; }

    void step(std::uint64_t counter) {
        for (Variable* p : params()) p->grad() = Tensor();
        Variable x(input);
        Variable h = ops::conv2d(x, conv1_w, conv1_b, {1, 1});
        h = ops::batch_norm(h, bn_gamma, bn_beta, {&running_mean, &running_var, 0.1f, 1e-5f, true});
        h = ops::relu(h);
        h = ops::max_pool2d(h, {2, 2, 0}, {.relu = true});  // 6×6, the fused ReLU a no-op after relu
        Variable r = ops::conv2d(h, conv2_w, Variable(), {1, 1}, {.relu = true});
        h = ops::add(h, r);
        h = ops::avg_pool2d(h, {3, 1, 1});
        h = ops::global_avg_pool(h);
        h = ops::dropout(h, 0.2f, true, 5, counter);
        h = ops::linear(h, fc_w, fc_b);
        Variable loss = ops::soft_target_cross_entropy(h, targets, 2.0f);
        loss.backward();
    }
};

}  // namespace

TEST_CASE("a warm training step creates no primitive and reorders no unchanged weight", "[ops][cache]") {
    SmallCnn net;
    net.step(0);
    const auto misses = dnnl_ctx::cache_stats().misses;
    const auto hits = dnnl_ctx::cache_stats().hits;
    const auto reorders = ops::weight_reorder_count();
    const auto fresh = pool_stats().fresh_allocations;
    net.step(1);
    CHECK(dnnl_ctx::cache_stats().misses == misses);
    CHECK(dnnl_ctx::cache_stats().hits > hits);
    CHECK(ops::weight_reorder_count() == reorders);
    CHECK(pool_stats().fresh_allocations == fresh);
    net.step(2);
    CHECK(dnnl_ctx::cache_stats().misses == misses);
    CHECK(ops::weight_reorder_count() == reorders);

    // An optimizer step writes the weights in place: each conv weight is reordered again, once per format
    // it needs.
    for (Variable* w : {&net.conv1_w, &net.conv2_w})
        for (auto& v : w->value().values_in_place()) v *= 0.99f;
    net.step(4);
    const auto per_step = ops::weight_reorder_count() - reorders;
    CHECK(per_step >= 1);
    CHECK(per_step <= 4);  // conv1 forward only (its input needs no grad), conv2 forward and backward-data
    net.step(5);
    CHECK(ops::weight_reorder_count() - reorders == per_step);
    CHECK(dnnl_ctx::cache_stats().misses == misses);
}
