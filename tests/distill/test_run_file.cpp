#include <algorithm>
#include <map>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/io/h5_storage.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

distill::SplitOutputs record_of(const std::string& run, const char* split, std::int64_t epoch) {
    return distill::read_split_outputs(distill::RunDirectory(run).record(split, epoch), 10, true).outputs;
}

}  // namespace

TEST_CASE("a run with a validation split records the same validation examples at every recorded epoch, whatever "
          "its seed",
          "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("val_records"));
    config.epochs = 2;
    config.record_every = 1;
    distill::train(config, small_dataset(), quiet());
    const std::string first = config.output;
    config.output = temp_path("val_records_seed2");
    config.seed = 2;
    distill::train(config, small_dataset(), quiet());

    const distill::RunDirectory run(first);
    for (const char* split : {"train", "val", "test"})
        CHECK(run.recorded_epochs(split) == std::vector<std::int64_t>{1, 2});

    // The fixture's 200 validation images hold at least 5 of each class: 5 per class, 50 in all, each with the
    // label the data set gives its original index.
    std::map<std::int64_t, std::int32_t> label_of;
    const data::ImageSet& val = small_dataset().val;
    for (std::size_t i = 0; i < val.size(); ++i) label_of[val.original_index[i]] = val.labels[i];
    const distill::SplitOutputs val_2 = record_of(first, "val", 2);
    CHECK(val_2.penultimate.shape() == Shape{50, 32});
    CHECK(val_2.logits.shape() == Shape{50, 10});
    const auto& labels = val_2.labels;
    const auto& indices = val_2.indices;
    REQUIRE(labels.size() == 50);
    for (std::int32_t c = 0; c < 10; ++c) CHECK(std::count(labels.begin(), labels.end(), c) == 5);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        REQUIRE(label_of.contains(indices[i]));
        CHECK(label_of.at(indices[i]) == labels[i]);
    }
    CHECK(record_of(first, "val", 1).indices == indices);
    CHECK(record_of(config.output, "val", 2).indices == indices);

    // Validation examples are carved from the training images: none of them is a recorded training example.
    const auto train = record_of(first, "train", 2).indices;
    for (std::int64_t i : indices) CHECK(std::find(train.begin(), train.end(), i) == train.end());

    const io::H5File f = io::H5File::open_read(run.checkpoint());
    const Tensor W = f.read_tensor("/classifier/weight", 2), b = f.read_tensor("/classifier/bias", 1);
    const Tensor& x = val_2.penultimate;
    const Tensor& z = val_2.logits;
    const RowMatrixF expected = (as_matrix(x) * as_matrix(W).transpose()).rowwise() + as_vector(b).transpose();
    CHECK((expected - as_matrix(z)).cwiseAbs().maxCoeff() < 1e-4f);
}

TEST_CASE("a run without a validation split records train and test only", "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("no_val_records"));
    config.val_size = 0;
    config.epochs = 1;
    const data::Dataset dataset = distill::load_run_dataset(config);
    REQUIRE(dataset.val.size() == 0);
    distill::train(config, dataset, quiet());
    const distill::RunDirectory run(config.output);
    CHECK(run.recorded_epochs("val").empty());
    CHECK(run.recorded_epochs("test") == std::vector<std::int64_t>{1});
    CHECK(record_of(config.output, "train", 1).penultimate.shape() == Shape{50, 32});
    CHECK(std::filesystem::exists(run.outputs("test")));
    CHECK_FALSE(std::filesystem::exists(run.outputs("val")));
}

TEST_CASE("setup and write seconds add up over a run and its resume", "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("io_seconds"));
    config.epochs = 2;
    distill::train(config, small_dataset(), quiet());
    const distill::RunContents first = distill::load_run(config.output);
    // A checkpoint counts the writes of the epochs before its own (docs/run-file.md): here the first epoch's.
    CHECK(first.setup_seconds > 0);
    CHECK(first.write_seconds > 0);

    config.epochs = 4;  // the third epoch's writes are in the fourth epoch's checkpoint
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::train(config, small_dataset(), resume);
    const distill::RunContents second = distill::load_run(config.output);
    CHECK(second.setup_seconds > first.setup_seconds);
    CHECK(second.write_seconds > first.write_seconds);
}

TEST_CASE("a run stores its checkpoint, records and outputs contiguous, unfiltered, each with a CRC-32",
          "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("storage"));
    config.epochs = 1;
    distill::train(config, small_dataset(), quiet());
    const distill::RunDirectory run(config.output);
    using Dataset = std::pair<std::string, std::string>;  // file, dataset
    std::vector<Dataset> datasets = {{run.checkpoint(), "/classifier/weight"},  {run.checkpoint(), "/classifier/bias"},
                                     {run.checkpoint(), "/metrics/train_loss"}, {run.record("train", 1), "/logits"},
                                     {run.record("train", 1), "/penultimate"},  {run.record("val", 1), "/labels"},
                                     {run.record("test", 1), "/indices"},       {run.outputs("test"), "/logits"},
                                     {run.outputs("test"), "/labels"}};
    {
        const io::H5File f = io::H5File::open_read(run.checkpoint());
        for (const std::string group : {"/params", "/optimizer"})
            for (const std::string& name : f.children(group))
                datasets.emplace_back(run.checkpoint(), group + "/" + name);
    }                                       // closed: HDF5 refuses a second open of a file with other access properties
    REQUIRE(datasets.size() == 9 + 4 + 4);  // the MLP's two weights and two biases, each with its momentum
    for (const auto& [file, dataset] : datasets) {
        INFO(file << " " << dataset);
        const io::testing::StoredLayout s = io::testing::stored_layout(file, dataset);
        CHECK(s.layout == H5D_CONTIGUOUS);
        CHECK(s.filters.empty());
        CHECK(io::H5File::open_read(file).has_attr(dataset, "crc32"));
    }
}
