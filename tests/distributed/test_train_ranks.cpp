// A data-parallel run (distill/trainer.hpp with TrainOptions::world): 2 ranks × 64 examples of each global batch
// of 128 follow the run of one process with batch 128, up to the order of the gradient sums.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "distill/checkpoint.hpp"
#include "distill/trainer.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/distributed/alone_and_shared.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
namespace fs = std::filesystem;

TEST_CASE("a run on 2 ranks x 64 examples matches 1 rank x batch 128", "[mpi][train]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const fs::path dir = testing::shared_dir(world, "train-ranks");
    // 2,560 training examples: 20 steps of 128 in the one epoch.
    distill::RunConfig config = testing::small_run_config("");
    config.max_train = 2560;
    config.epochs = 1;
    config.batch = 128;
    config.momentum = 0.9;
    const data::Dataset dataset = distill::load_run_dataset(config);
    REQUIRE(dataset.train.size() == 2560);

    const auto [alone, shared] = testing::train_alone_and_shared(world, config, dataset, dir);

    if (world.root()) {
        const distill::RunContents a = distill::load_run(alone.output), s = distill::load_run(shared.output);
        REQUIRE(s.complete);
        // The mean loss of the 20 steps, summed over both ranks' shards: the same within float rounding.
        const double la = a.metrics.at("train_loss")[0], ls = s.metrics.at("train_loss")[0];
        CHECK(std::abs(la - ls) <= 1e-5 * la);
        CHECK(a.metrics.at("train_acc")[0] == s.metrics.at("train_acc")[0]);
        CHECK(std::abs(a.metrics.at("test_acc")[0] - s.metrics.at("test_acc")[0]) <= 0.002);  // 0.2 points
        CHECK(testing::worst_parameter_difference(a, s) < 1e-4f);
    }
    distributed::sum_over_ranks(world, std::int64_t{0});
    if (world.root()) fs::remove_all(dir);
}
