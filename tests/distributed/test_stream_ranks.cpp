// A streamed image folder (image-stream) over 2 ranks: evaluation shared among the ranks gives rank 0 the outputs of
// one process, bit for bit, and a data-parallel streamed run trains like one process (each rank decodes the global
// batch and keeps its shard) and stores its model's one-process outputs; skip-bad-images is refused over ranks.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "distill/split_outputs_file.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "models/model_registry.hpp"
#include "tests/data/folder_fixtures.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/distributed/alone_and_shared.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

// 60 images of 3 classes in `dir`/images, written by rank 0 and seen by both: 12 test, 12 validation, 36 training.
distill::RunConfig streamed_folder(const distributed::World& world, const fs::path& dir) {
    if (world.root()) {
        data::testing::FolderFixture f;
        f.per_class = 20;
        data::testing::write_image_tree(dir / "images", f);
    }
    distributed::sum_over_ranks(world, std::int64_t{0});
    distill::RunConfig c;
    c.model = "mlp";
    c.hidden = {16};
    c.dataset = "folder";
    c.data_dir = (dir / "images").string();
    c.image_size = 16;
    c.val_size = 12;
    c.test_size = 12;
    c.epochs = 1;
    c.batch = 12;
    c.lr = 0.05;
    c.threads = 1;
    c.record_per_class = 2;
    c.augment = true;
    c.image_stream = true;
    return c;
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.defined() && b.defined() && a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.numel()) * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("a streamed split evaluated over 2 ranks gives rank 0 the one-process outputs", "[mpi][eval]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const fs::path dir = testing::shared_dir(world, "stream-eval-ranks");
    distill::RunConfig config = streamed_folder(world, dir);
    const data::Dataset dataset = distill::load_run_dataset(config);
    const data::ImageSplit test = data::image_split(dataset, data::SplitName::test);
    auto model = models::make_model("mlp", {16, 16, 3}, 3, 7, models::ModelOptions{{16}, 0});
    // Batches of 5: rows 0-9 on rank 0, 10-11 on rank 1.
    const distill::SplitOutputs shared =
        distill::run_model_over_ranks(*model, test, dataset.normalization, 5, dataset.num_classes, world);
    if (world.root()) {
        const distill::SplitOutputs alone = distill::run_model(*model, test, dataset.normalization, 5, false);
        CHECK(same_bits(shared.logits, alone.logits));
        CHECK(shared.labels == alone.labels);
        CHECK(shared.indices == alone.indices);
    } else {
        CHECK_FALSE(shared.logits.defined());
    }

    config.skip_bad_images = true;
    const data::Dataset skipping = distill::load_run_dataset(config);
    CHECK_THROWS_WITH(distill::run_model_over_ranks(*model, data::image_split(skipping, data::SplitName::test),
                                                    skipping.normalization, 5, skipping.num_classes, world),
                      Catch::Contains("skip-bad-images") && Catch::Contains("2 MPI ranks"));
    distributed::sum_over_ranks(world, std::int64_t{0});
    if (world.root()) fs::remove_all(dir);
}

TEST_CASE("a streamed run on 2 ranks trains like one rank and stores its model's outputs", "[mpi][train]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const fs::path dir = testing::shared_dir(world, "stream-train-ranks");
    const distill::RunConfig config = streamed_folder(world, dir);
    const data::Dataset dataset = distill::load_run_dataset(config);

    const auto [alone, shared] = testing::train_alone_and_shared(world, config, dataset, dir);

    if (world.root()) {
        const distill::RunContents a = distill::load_run(alone.output), s = distill::load_run(shared.output);
        REQUIRE(s.complete);
        CHECK(s.world_size == 2);
        // The same streamed batches, each split between the ranks: equal up to the order of the gradient sums.
        CHECK(testing::worst_parameter_difference(a, s) < 1e-4f);
        auto model = distill::load_model(s);
        const distill::SplitOutputs expected = distill::run_model(*model,
                                                                  data::image_split(dataset, data::SplitName::test),
                                                                  dataset.normalization, distill::kEvalBatch, false);
        const distill::SplitOutputs stored =
            distill::read_split_outputs(distill::RunDirectory(shared.output).outputs("test"), 3, false).outputs;
        CHECK(same_bits(stored.logits, expected.logits));
        CHECK(stored.indices == expected.indices);
    }
    distributed::sum_over_ranks(world, std::int64_t{0});
    if (world.root()) fs::remove_all(dir);
}
