#include <catch2/catch.hpp>

#include <set>

#include "fixtures.hpp"
#include "framework/data/dataset.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("load_dataset splits, subsamples and normalises on the training split only", "[data][dataset]") {
    TempDir dir;
    write_idx_dir(dir.path(), synthetic_set(200, 28, 28, 1, 10, 1), synthetic_set(50, 28, 28, 1, 10, 2), true);
    DatasetSpec spec = dataset_spec("mnist", dir.path(), 40);
    spec.seed = 3;
    const Dataset ds = load_dataset(spec);
    CHECK(ds.num_classes == 10);
    CHECK(ds.class_names.front() == "0");
    CHECK(ds.train.size() == 160);
    CHECK(ds.val.size() == 40);
    CHECK(ds.test.size() == 50);
    CHECK(ds.default_augment.pad == 2);
    CHECK_FALSE(ds.default_augment.hflip);
    const Normalization train_only = compute_normalization(ds.train);
    CHECK(ds.normalization.mean == train_only.mean);
    CHECK(ds.normalization.std == train_only.std);

    // Subsampling the training split leaves the validation split where it was.
    DatasetSpec small = spec;
    small.max_train = 30;
    small.max_test = 20;
    const Dataset sub = load_dataset(small);
    CHECK(sub.val.original_index == ds.val.original_index);
    CHECK(sub.train.size() == 30);
    CHECK(sub.test.size() == 20);
    CHECK(class_counts(sub.test.labels, 10) == std::vector<std::size_t>(10, 2));
    const std::set<std::int64_t> train_ids(ds.train.original_index.begin(), ds.train.original_index.end());
    for (std::int64_t i : sub.train.original_index) CHECK(train_ids.count(i) == 1);
}

TEST_CASE("the generic idx set takes any image size and counts its classes", "[data][dataset]") {
    TempDir dir;
    write_idx_dir(dir.path(), synthetic_set(30, 9, 11, 1, 3, 1), synthetic_set(12, 9, 11, 1, 4, 2), false);
    const Dataset ds = load_dataset(dataset_spec("idx", dir.path(), 5));
    CHECK(ds.num_classes == 4);
    CHECK(ds.class_names == std::vector<std::string>{"0", "1", "2", "3"});
    CHECK(ds.train.height == 9);
    CHECK(ds.train.width == 11);

    write_idx_dir(dir.path(), synthetic_set(30, 9, 11, 1, 3, 1), synthetic_set(12, 9, 10, 1, 4, 2), false);
    CHECK_THAT(error_message([&] { load_dataset(dataset_spec("idx", dir.path(), 5)); }),
               Contains("t10k-images-idx3-ubyte: wrong image size: 9x10, but the training images are 9x11"));
}

TEST_CASE("unknown names and missing directories are errors", "[data][dataset]") {
    CHECK_THAT(error_message([] { load_dataset(dataset_spec("imagenet", {}, 0)); }),
               Contains("unknown data set 'imagenet' (expected one of: fashion-mnist, mnist, idx, cifar10, cifar100, "
                        "folder)"));
    CHECK_THAT(error_message([] { load_dataset(dataset_spec("mnist", {}, 0)); }),
               Contains("data set 'mnist' needs a data directory (--data-dir)"));
}
