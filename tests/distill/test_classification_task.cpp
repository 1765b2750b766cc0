#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/classification_task.hpp"
#include "distill/split_outputs_file.hpp"
#include "distill/targets.hpp"
#include "framework/ops/ops.hpp"
#include "models/model_registry.hpp"
#include "tests/data/image_fixtures.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;

namespace {

std::shared_ptr<models::Classifier> small_model() {
    auto model = models::make_model("mlp", {28, 28, 1}, 10, 1, {{8}, 0.0});
    model->train();
    return model;
}

}  // namespace

TEST_CASE("the classification task's batches cover the training split once per epoch, a shard its rows",
          "[distill][classification_task]") {
    const data::Dataset& d = testing::small_dataset();
    auto model = small_model();
    distill::ClassificationTask task(testing::small_run_config(""), d, *model, nullptr, nullptr);
    REQUIRE(task.steps_per_epoch() == 10);  // 600 examples in batches of 64
    task.begin_epoch(0);
    std::int64_t examples = 0, steps = 0;
    while (task.next_batch()) {
        CHECK(task.step_examples() == task.batch_examples());
        examples += task.batch_examples();
        ++steps;
    }
    CHECK(examples == 600);
    CHECK(steps == 10);

    task.begin_epoch(1);
    REQUIRE(task.next_batch());
    task.keep_shard({60, 4});
    CHECK(task.step_examples() == 4);
    CHECK(task.batch_examples() == 64);
    const distill::StepLoss loss = task.loss();
    CHECK(loss.count == 4);
    CHECK(loss.objective.value().dim(0) == 1);
}

TEST_CASE("without a teacher the loss is the cross-entropy against label-smoothed targets, counted per example",
          "[distill][classification_task]") {
    const data::Dataset& d = testing::small_dataset();
    distill::RunConfig config = testing::small_run_config("");
    config.smoothing = 0.2;
    auto model = small_model();
    distill::ClassificationTask task(config, d, *model, nullptr, nullptr);
    task.begin_epoch(0);
    REQUIRE(task.next_batch());
    const distill::StepLoss loss = task.loss();

    // The same first batch, from a loader of the same settings.
    data::LoaderSpec spec;
    spec.batch_size = 64;
    spec.augment = data::AugmentSpec::none();
    spec.seed = config.seed;
    data::BatchLoader loader(d.train, d.normalization, spec);
    loader.begin_epoch(0);
    data::Batch batch;
    REQUIRE(loader.next(batch));
    Tensor targets = Tensor::empty({64, 10});
    distill::smoothed_targets(batch.labels, 0.2, targets);
    const Variable logits = model->forward(Variable(batch.images));
    CHECK(loss.reported == ops::soft_target_cross_entropy(logits, targets).value().at(0));
    CHECK(loss.count == 64);
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < 64; ++i) {
        const auto z = logits.value().values().subspan(static_cast<std::size_t>(i * 10), 10);
        correct += std::max_element(z.begin(), z.end()) - z.begin() == batch.labels[static_cast<std::size_t>(i)];
    }
    CHECK(loss.correct == correct);
}

TEST_CASE("the classification task scores test and validation by name and writes the last epoch's outputs",
          "[distill][classification_task]") {
    const data::Dataset& d = testing::small_dataset();
    auto model = small_model();
    distill::ClassificationTask task(testing::small_run_config(""), d, *model, nullptr, nullptr);
    const distill::EpochScores skipped = task.evaluate(false, false);
    CHECK(skipped.size() == 4);
    for (const char* name : {"val_acc", "test_acc", "test_nll", "test_ece"}) CHECK(std::isnan(skipped.at(name)));

    const distill::EpochScores scores = task.evaluate(true, true);
    CHECK(scores.at("test_acc") >= 0);
    CHECK(task.describe(scores).starts_with("val acc "));
    const distill::RunDirectory run(testing::temp_path("task_run"));
    std::filesystem::create_directories(run.dir());
    task.write_outputs(run, 3, nullptr);
    const distill::StoredOutputs test = distill::read_split_outputs(run.outputs("test"), 10, false);
    CHECK(test.epoch == 3);
    CHECK(test.outputs.labels == d.test.labels);
    CHECK(distill::read_split_outputs(run.outputs("val"), 10, false).outputs.labels.size() == 200);
    task.write_records(run, 3, nullptr);
    CHECK(run.recorded_epochs("test") == std::vector<std::int64_t>{3});
}

TEST_CASE("the classification task trains from a folder stream", "[distill][classification_task]") {
    const std::filesystem::path root = testing::temp_path("streamed-folder");
    for (int k = 0; k < 2; ++k) {
        const std::filesystem::path folder = root / fmt::format("c{}", k);
        std::filesystem::create_directories(folder);
        for (int i = 0; i < 5; ++i) {
            data::testing::PngSpec png;
            png.width = 40;
            png.height = 30;
            for (std::uint8_t v : data::testing::photo_pixels(40, 30, 3, static_cast<std::uint64_t>(10 * k + i)))
                png.samples.push_back(v);
            const auto bytes = data::testing::encode_png(png);
            std::ofstream(folder / fmt::format("i{}.png", i), std::ios::binary)
                .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        }
    }
    data::StreamedFolder folder;
    folder.train = {root, data::scan_image_tree(root).entries};
    folder.images.size = 28;
    distill::RunConfig config = testing::small_run_config("");
    config.batch = 4;
    config.augment = true;  // RandomResizedCrop views
    const data::Normalization norm = data::imagenet_normalization();
    auto model = models::make_model("mlp", {28, 28, 3}, 10, 1, {{8}, 0.0});
    model->train();
    distill::ClassificationTask task(config, testing::small_dataset(), *model, nullptr, nullptr,
                                     distill::streamed_training_source(config, folder, norm));
    CHECK(task.steps_per_epoch() == 3);  // 10 images in batches of 4
    // The task's batches are the stream's, in order.
    auto stream = distill::streamed_training_source(config, folder, norm);
    task.begin_epoch(2);
    stream->begin_epoch(2);
    data::Batch expected;
    std::int64_t examples = 0;
    while (task.next_batch()) {
        REQUIRE(stream->next(expected));
        const distill::StepLoss loss = task.loss();
        CHECK(loss.count == static_cast<std::int64_t>(expected.size()));
        CHECK(std::isfinite(loss.reported));
        examples += loss.count;
    }
    CHECK_FALSE(stream->next(expected));
    CHECK(examples == 10);
    std::filesystem::remove_all(root);
}
