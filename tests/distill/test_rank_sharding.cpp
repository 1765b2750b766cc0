#include <vector>

#include <catch2/catch.hpp>

#include "distill/rank_sharding.hpp"
#include "framework/distributed/launcher.hpp"
#include "framework/ops/ops.hpp"
#include "models/model_registry.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;

TEST_CASE("a shard of a batch is its rows in order, images, labels and indices alike", "[distill][rank_sharding]") {
    data::Batch batch;
    batch.images = Tensor::empty({5, 2, 1, 1});
    for (std::int64_t i = 0; i < 10; ++i) batch.images.data()[i] = static_cast<float>(i);
    batch.labels = {0, 1, 2, 3, 4};
    batch.indices = {50, 51, 52, 53, 54};

    data::Batch shard;
    distill::take_rows(batch, {1, 3}, shard);
    CHECK(shard.images.shape() == Shape{3, 2, 1, 1});
    CHECK(std::vector<float>(shard.images.values().begin(), shard.images.values().end()) ==
          std::vector<float>{2, 3, 4, 5, 6, 7});
    CHECK(shard.labels == std::vector<std::int32_t>{1, 2, 3});
    CHECK(shard.indices == std::vector<std::int64_t>{51, 52, 53});

    distill::take_rows(batch, {5, 0}, shard);  // an empty shard of a batch smaller than the ranks
    CHECK(shard.size() == 0);
    CHECK(shard.images.dim(0) == 0);
}

TEST_CASE("on one rank the sharding keeps the whole batch, the gradients, the totals and the buffers",
          "[distill][rank_sharding]") {
    const distributed::World world(distributed::Launch{});
    auto sharded = models::make_model("resnet-20", {32, 32, 3}, 10, 3);
    auto alone = models::make_model("resnet-20", {32, 32, 3}, 10, 3);
    std::vector<Variable> params = sharded->parameters();
    distill::RankSharding sharding(world, params);
    CHECK(sharding.shard(7).begin == 0);
    CHECK(sharding.shard(7).count == 7);

    const Tensor x = testing::random_tensor({2, 32, 32, 3}, 2);
    Tensor targets = Tensor::zeros({2, 10});
    for (std::int64_t i = 0; i < 2; ++i) targets.data()[i * 10 + i] = 1.0f;
    sharding.begin_step(2, 2);
    ops::soft_target_cross_entropy(sharded->forward(Variable(x)), targets).backward();
    sharding.finish_step();
    ops::soft_target_cross_entropy(alone->forward(Variable(x)), targets).backward();
    const std::vector<Variable> reference = alone->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
        const std::span<const float> g = params[i].grad().values(), r = reference[i].grad().values();
        CHECK(std::equal(g.begin(), g.end(), r.begin(), r.end()));
    }

    double loss_sum = 1.5;
    std::int64_t correct = 2, seen = 3;
    sharding.sum_totals(loss_sum, correct, seen);
    CHECK(loss_sum == 1.5);
    CHECK(correct == 2);
    CHECK(seen == 3);

    const auto buffers = sharded->named_buffers();
    REQUIRE_FALSE(buffers.empty());
    const Tensor before = buffers[0].tensor.clone();
    sharding.broadcast_buffers(*sharded);
    CHECK(std::equal(before.values().begin(), before.values().end(), buffers[0].tensor.values().begin()));
}
