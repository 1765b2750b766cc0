// The foundation of data-parallel training, end to end on an MLP: two ranks with half a batch each, gradients
// averaged by GradientBuckets, follow the one-process run with the whole batch.
#include <catch2/catch.hpp>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "framework/core/random.hpp"
#include "framework/distributed/batch_split.hpp"
#include "framework/distributed/gradient_buckets.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "framework/runtime/threads.hpp"
#include "models/model_registry.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
using namespace lskd::distributed;

namespace {

constexpr std::int64_t kBatch = 128, kClasses = 10, kSide = 8;

// Step s's global batch: the same on every rank. Soft targets, so every row of the loss matters.
std::pair<Tensor, Tensor> global_batch(int step) {
    Rng rng(static_cast<std::uint64_t>(step), 7);
    Tensor x = Tensor::empty({kBatch, kSide, kSide, 1});
    for (float& v : x.values()) v = rng.normal();
    Tensor t = Tensor::empty({kBatch, kClasses});
    for (std::int64_t i = 0; i < kBatch; ++i) {
        float sum = 0;
        for (std::int64_t k = 0; k < kClasses; ++k) sum += t.at(i * kClasses + k) = rng.uniform() + 0.01f;
        for (std::int64_t k = 0; k < kClasses; ++k) t.at(i * kClasses + k) /= sum;
    }
    return {x, t};
}

Tensor rows(const Tensor& t, Shard s) {
    const std::int64_t width = t.numel() / t.dim(0);
    Shape shape = t.shape();
    shape[0] = static_cast<std::int64_t>(s.count);
    return Tensor::from(shape, t.values().subspan(s.begin * static_cast<std::size_t>(width),
                                                  s.count * static_cast<std::size_t>(width)));
}

optim::SgdOptions sgd_options() {
    optim::SgdOptions o;
    o.lr = 0.1;
    o.momentum = 0.9;
    o.weight_decay = 5e-4;
    return o;
}

}  // namespace

TEST_CASE("an MLP on 2 ranks x batch 64 follows 1 rank x batch 128 for 20 steps", "[mpi][buckets]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    runtime::init_threads(1);
    const models::InputShape input{kSide, kSide, 1};
    models::ModelOptions mlp;
    mlp.hidden = {32, 32};
    auto alone = models::make_model("mlp", input, kClasses, 5, mlp);   // the whole batch, as one process
    auto shared = models::make_model("mlp", input, kClasses, 5, mlp);  // this rank's shard
    optim::SGD sgd_alone(alone->named_parameters(), sgd_options());
    auto params = shared->named_parameters();
    optim::SGD sgd_shared(params, sgd_options());
    std::vector<Shape> shapes;
    std::vector<Tensor*> grads;
    for (auto& p : params) {
        shapes.push_back(p.var.value().shape());
        grads.push_back(&p.var.grad());
    }
    GradientBuckets buckets(world, shapes, BucketPlan::uniform(4096));  // several buckets, to exercise the layout
    const Shard mine = shard_of(kBatch, world.rank(), world.size());

    double worst = 0;
    for (int step = 0; step < 20; ++step) {
        const auto [x, t] = global_batch(step);
        Variable loss = ops::soft_target_cross_entropy(alone->forward(Variable(x)), t);
        loss.backward();
        sgd_alone.step();
        alone->zero_grad();

        Variable part = ops::soft_target_cross_entropy(shared->forward(Variable(rows(x, mine))), rows(t, mine));
        part.backward();
        buckets.average(grads, static_cast<std::int64_t>(mine.count), kBatch);
        sgd_shared.step();
        shared->zero_grad();
        std::vector<double> loss_sum{part.value().at(0) * static_cast<double>(mine.count)};
        sum_over_ranks(world, loss_sum);
        const double reference = loss.value().at(0);
        worst = std::max(worst, std::abs(loss_sum[0] / kBatch - reference) / reference);
    }
    // Float tolerance: the batch mean is summed in another order (two halves, then the halves), so each step
    // differs by rounding, and 20 steps of SGD with momentum carry it along (measured: 5e-8 relative).
    CHECK(worst < 1e-6);
    // Both ranks hold the same parameters, bit for bit.
    std::vector<float> mine_params;
    for (const auto& p : params) {
        const auto v = p.var.value().values();
        mine_params.insert(mine_params.end(), v.begin(), v.end());
    }
    std::vector<float> other(mine_params.size());
    const int peer = 1 - world.rank();
    MPI_Sendrecv(mine_params.data(), static_cast<int>(mine_params.size()), MPI_FLOAT, peer, 0, other.data(),
                 static_cast<int>(other.size()), MPI_FLOAT, peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    CHECK(std::memcmp(mine_params.data(), other.data(), other.size() * sizeof(float)) == 0);
    INFO("largest relative loss difference: " << worst);
    CHECK(worst > 0);  // the two really did compute apart
}
