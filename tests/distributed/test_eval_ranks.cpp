// Evaluation shared among ranks (distill/evaluation.hpp, run_model_over_ranks): rank 0 receives exactly the
// outputs of one process, and a data-parallel run's stored test logits and metrics are those of its saved model
// evaluated in one process. Exact, bit for bit: every rank runs the batches one process would run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "distill/split_outputs_file.hpp"
#include "distill/trainer.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "framework/io/h5_file.hpp"
#include "models/model_registry.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("evaluation over 2 ranks gives rank 0 the one-process outputs", "[mpi][eval]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const data::Dataset& dataset = testing::small_dataset();  // 300 test examples
    REQUIRE(dataset.test.size() == 300);
    const models::InputShape input{dataset.test.height, dataset.test.width, dataset.test.channels};
    // A fresh model from one seed: the same parameters on both ranks, as after a data-parallel step.
    auto model = models::make_model("mlp", input, dataset.num_classes, 7, models::ModelOptions{{32}, 0});
    // Batch 64: 5 batches, 3 (192 examples) on rank 0 and 2 (108, the last one short) on rank 1. Batch 128: 2 and
    // 1. Batch 512: one batch, all on rank 0, rank 1 runs nothing.
    const std::int64_t batch = GENERATE(64, 128, 512);
    const distill::SplitOutputs shared =
        distill::run_model_over_ranks(*model, dataset.test, dataset.normalization, batch, dataset.num_classes, world);
    if (world.root()) {
        const distill::SplitOutputs alone =
            distill::run_model(*model, dataset.test, dataset.normalization, batch, false);
        CHECK(same_bits(shared.logits, alone.logits));
        CHECK(shared.labels == alone.labels);
        CHECK(shared.indices == alone.indices);
        const distill::SplitMetrics a = distill::score(alone), s = distill::score(shared);
        CHECK(s.accuracy == a.accuracy);
        CHECK(s.nll == a.nll);
        CHECK(s.ece == a.ece);
    } else {
        CHECK_FALSE(shared.logits.defined());
        CHECK(shared.labels.empty());
        CHECK(shared.indices.empty());
    }
}

TEST_CASE("a data-parallel run stores the test logits and metrics of its model evaluated in one process",
          "[mpi][eval]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const fs::path dir = testing::shared_dir(world, "eval-ranks");
    distill::RunConfig config = testing::small_run_config((dir / "shared").string());
    config.epochs = 1;
    // Evaluation runs at distill::kEvalBatch (256), whatever the training batch: test: 2 batches (one on each rank,
    // the short last one on rank 1); validation: 1 (on rank 0).
    config.batch = 128;
    const data::Dataset& dataset = testing::small_dataset();
    distill::TrainOptions options = testing::quiet();
    options.world = &world;
    distill::train(config, dataset, options);
    distributed::sum_over_ranks(world, std::int64_t{0});  // rank 0's file is complete

    if (world.root()) {
        const distill::RunContents run = distill::load_run(config.output);
        REQUIRE(run.world_size == 2);
        auto model = distill::load_model(run);
        const distill::SplitOutputs alone =
            distill::run_model(*model, dataset.test, dataset.normalization, distill::kEvalBatch, false);
        const distill::SplitOutputs stored =
            distill::read_split_outputs(distill::RunDirectory(config.output).outputs("test"), 10, false).outputs;
        CHECK(same_bits(stored.logits, alone.logits));
        CHECK(stored.labels == alone.labels);
        CHECK(stored.indices == alone.indices);
        const distill::SplitMetrics m = distill::score(alone);
        CHECK(run.metrics.at("test_acc")[0] == m.accuracy);
        CHECK(run.metrics.at("test_nll")[0] == m.nll);
        CHECK(run.metrics.at("test_ece")[0] == m.ece);
        const distill::SplitMetrics val =
            distill::score(distill::run_model(*model, dataset.val, dataset.normalization, distill::kEvalBatch, false));
        CHECK(run.metrics.at("val_acc")[0] == val.accuracy);
    }
    distributed::sum_over_ranks(world, std::int64_t{0});
    if (world.root()) fs::remove_all(dir);
}

TEST_CASE("each rank of a data-parallel run evaluates its own batches of the test set", "[mpi][eval]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const fs::path dir = testing::shared_dir(world, "eval-shares");
    distill::RunConfig config = testing::small_run_config((dir / "shared").string());
    config.epochs = 1;
    config.batch = 128;  // evaluation at distill::kEvalBatch (256): rows 0-255 on rank 0, 256-299 on rank 1
    // A probe, not a use: rank 1 is given blank test images, so the stored logits of rows 256-299 show that rank 1
    // computed them (and rows 0-255 that rank 0 did). Training sees the same data on both ranks.
    data::Dataset probed = testing::small_dataset();
    data::Dataset blank = probed;
    std::fill(blank.test.pixels.begin(), blank.test.pixels.end(), std::uint8_t{0});
    if (!world.root()) probed = blank;
    distill::TrainOptions options = testing::quiet();
    options.world = &world;
    distill::train(config, probed, options);
    distributed::sum_over_ranks(world, std::int64_t{0});

    if (world.root()) {
        auto model = distill::load_model(distill::load_run(config.output));
        const auto on = [&](const data::Dataset& d) {
            return distill::run_model(*model, d.test, d.normalization, distill::kEvalBatch, false).logits;
        };
        const Tensor real = on(probed), zeros = on(blank);
        const Tensor stored =
            distill::read_split_outputs(distill::RunDirectory(config.output).outputs("test"), 10, false).outputs.logits;
        REQUIRE(stored.shape() == real.shape());
        const std::int64_t k = real.dim(1);
        const auto rows_equal = [&](const Tensor& expected, std::int64_t begin, std::int64_t end) {
            return std::memcmp(stored.data() + begin * k, expected.data() + begin * k,
                               static_cast<std::size_t>((end - begin) * k) * sizeof(float)) == 0;
        };
        CHECK(rows_equal(real, 0, 256));
        CHECK(rows_equal(zeros, 256, 300));
        CHECK_FALSE(rows_equal(real, 256, 300));  // the probe can tell the two apart
    }
    distributed::sum_over_ranks(world, std::int64_t{0});
    if (world.root()) fs::remove_all(dir);
}
