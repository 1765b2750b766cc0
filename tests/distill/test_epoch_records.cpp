#include <filesystem>
#include <vector>

#include <catch2/catch.hpp>

#include "distill/epoch_records.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/data/image_set.hpp"
#include "models/model_registry.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;

TEST_CASE("records are kept every record-every epochs and at the last", "[distill][epoch_records]") {
    std::vector<bool> every_2, never;
    for (std::int64_t e = 1; e <= 5; ++e) {
        every_2.push_back(distill::is_record_epoch(2, e, e == 5));
        never.push_back(distill::is_record_epoch(0, e, e == 5));
    }
    CHECK(every_2 == std::vector<bool>{false, true, false, true, true});
    CHECK(never == std::vector<bool>{false, false, false, false, true});
}

TEST_CASE("the recorded examples are a stratified subset of each split, as many per class as the rarest has",
          "[distill][epoch_records]") {
    const data::Dataset& d = testing::small_dataset();
    const distill::EpochRecords records(d, 5);
    for (const char* split : {"train", "val", "test"}) {
        INFO(split);
        const data::ImageSplit& subset = records.subset(split);
        REQUIRE(subset.size() == 50);
        for (const std::size_t count : data::class_counts(subset.labels(), d.num_classes)) CHECK(count == 5);
    }
    std::size_t rarest = d.val.size();
    for (const std::size_t count : data::class_counts(d.val.labels, d.num_classes)) rarest = std::min(rarest, count);
    CHECK(distill::record_positions(d.val.labels, d.num_classes, 1000).size() == rarest * 10);
    CHECK(distill::record_positions(d.val.labels, d.num_classes, 0).empty());
}

TEST_CASE("an epoch's records go to one file per split named by the epoch, with penultimate features",
          "[distill][epoch_records]") {
    const data::Dataset& d = testing::small_dataset();
    const distill::EpochRecords records(d, 2);
    auto model = models::make_model("mlp", {28, 28, 1}, 10, 1, {{8}, 0.0});
    const distill::RunDirectory run(testing::temp_path("records_run"));
    std::filesystem::create_directories(run.dir());
    records.write(run, *model, 4);
    for (const char* split : {"train", "val", "test"}) {
        INFO(split);
        const distill::StoredOutputs stored = distill::read_split_outputs(run.record(split, 4), 10, true);
        CHECK(stored.split == split);
        CHECK(stored.epoch == 4);
        CHECK(stored.outputs.penultimate.shape() == Shape{20, 8});
        const data::ImageSplit& subset = records.subset(split);
        REQUIRE(stored.outputs.indices.size() == subset.size());
        for (std::size_t i = 0; i < subset.size(); ++i) CHECK(stored.outputs.indices[i] == subset.original_index(i));
    }
    CHECK(run.recorded_epochs("train") == std::vector<std::int64_t>{4});
}
