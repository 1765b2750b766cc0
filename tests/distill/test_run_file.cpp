#include <algorithm>
#include <map>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/io/h5_storage.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

std::vector<std::int64_t> read_indices(const io::H5File& f, const std::string& group) {
    return f.read<std::int64_t>(group + "/indices", 1).values;
}

}  // namespace

TEST_CASE("a run with a validation split records the same validation examples at every recorded epoch, whatever "
          "its seed",
          "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("val_records.h5"));
    config.epochs = 2;
    config.record_every = 1;
    distill::train(config, small_dataset(), quiet());
    const std::string first = config.output;
    config.output = temp_path("val_records_seed2.h5");
    config.seed = 2;
    distill::train(config, small_dataset(), quiet());

    const io::H5File f = io::H5File::open_read(first);
    const io::H5File other = io::H5File::open_read(config.output);
    CHECK(f.children("/records") == std::vector<std::string>{"test", "train", "val"});
    CHECK(f.children("/records/val") == std::vector<std::string>{"epoch_1", "epoch_2"});

    // The fixture's 200 validation images hold at least 5 of each class: 5 per class, 50 in all, each with the
    // label the data set gives its original index.
    std::map<std::int64_t, std::int32_t> label_of;
    const data::ImageSet& val = small_dataset().val;
    for (std::size_t i = 0; i < val.size(); ++i) label_of[val.original_index[i]] = val.labels[i];
    const std::string g = "/records/val/epoch_2";
    CHECK(f.shape(g + "/penultimate") == io::Dims{50, 32});
    CHECK(f.shape(g + "/logits") == io::Dims{50, 10});
    const auto labels = f.read<std::int32_t>(g + "/labels", 1).values;
    const auto indices = read_indices(f, g);
    REQUIRE(labels.size() == 50);
    for (std::int32_t c = 0; c < 10; ++c) CHECK(std::count(labels.begin(), labels.end(), c) == 5);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        REQUIRE(label_of.contains(indices[i]));
        CHECK(label_of.at(indices[i]) == labels[i]);
    }
    CHECK(read_indices(f, "/records/val/epoch_1") == indices);
    CHECK(read_indices(other, g) == indices);

    // Validation examples are carved from the training images: none of them is a recorded training example.
    const auto train = read_indices(f, "/records/train/epoch_2");
    for (std::int64_t i : indices) CHECK(std::find(train.begin(), train.end(), i) == train.end());

    const Tensor W = f.read_tensor("/classifier/weight", 2), b = f.read_tensor("/classifier/bias", 1);
    const Tensor x = f.read_tensor(g + "/penultimate", 2), z = f.read_tensor(g + "/logits", 2);
    const RowMatrixF expected = (as_matrix(x) * as_matrix(W).transpose()).rowwise() + as_vector(b).transpose();
    CHECK((expected - as_matrix(z)).cwiseAbs().maxCoeff() < 1e-4f);
}

TEST_CASE("a run without a validation split records train and test only", "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("no_val_records.h5"));
    config.val_size = 0;
    config.epochs = 1;
    const data::Dataset dataset = distill::load_run_dataset(config);
    REQUIRE(dataset.val.size() == 0);
    distill::train(config, dataset, quiet());
    const io::H5File f = io::H5File::open_read(config.output);
    CHECK(f.children("/records") == std::vector<std::string>{"test", "train"});
    CHECK(f.shape("/records/train/epoch_1/penultimate") == io::Dims{50, 32});
}

TEST_CASE("setup and write seconds add up over a run and its resume, the last write included", "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("io_seconds.h5"));
    config.epochs = 1;
    distill::train(config, small_dataset(), quiet());
    const distill::RunContents first = distill::load_run(config.output);
    // One epoch, one write: a file without its own write would hold 0.
    CHECK(first.setup_seconds > 0);
    CHECK(first.write_seconds > 0);

    config.epochs = 2;
    distill::TrainOptions resume = quiet();
    resume.resume = true;
    distill::train(config, small_dataset(), resume);
    const distill::RunContents second = distill::load_run(config.output);
    CHECK(second.setup_seconds > first.setup_seconds);
    CHECK(second.write_seconds > first.write_seconds);
}

TEST_CASE("a run file stores parameters, optimizer state and logits uncompressed, records' activations, labels "
          "and indices deflated, all of them chunked and checksummed",
          "[distill][run_file]") {
    distill::RunConfig config = small_run_config(temp_path("storage.h5"));
    config.epochs = 1;
    distill::train(config, small_dataset(), quiet());
    std::vector<std::string> uncompressed = {"/classifier/weight", "/classifier/bias", "/records/train/epoch_1/logits",
                                             "/outputs/test/logits", "/metrics/train_loss"};
    {
        const io::H5File f = io::H5File::open_read(config.output);
        for (const std::string group : {"/params", "/optimizer"})
            for (const std::string& name : f.children(group)) uncompressed.push_back(group + "/" + name);
    }  // closed: HDF5 refuses a second open of a file with other access properties
    REQUIRE(uncompressed.size() == 5 + 4 + 4);  // the MLP's two weights and two biases, each with its momentum
    for (const std::string& dataset : uncompressed) {
        INFO(dataset);
        const io::testing::StoredLayout s = io::testing::stored_layout(config.output, dataset);
        CHECK(s.chunked_and_checksummed());
        CHECK_FALSE(s.compressed());
    }
    for (const std::string dataset : {"/records/train/epoch_1/penultimate", "/records/val/epoch_1/labels",
                                      "/records/test/epoch_1/indices", "/outputs/test/labels"}) {
        INFO(dataset);
        const io::testing::StoredLayout s = io::testing::stored_layout(config.output, dataset);
        CHECK(s.chunked_and_checksummed());
        CHECK(s.compressed());
    }
}
