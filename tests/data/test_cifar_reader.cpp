#include <catch2/catch.hpp>

#include <array>

#include "fixtures.hpp"
#include "framework/data/cifar_reader.hpp"
#include "framework/data/dataset.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("CIFAR-10 batches convert CHW to HWC and number examples across files", "[data][cifar]") {
    const bool gzip = GENERATE(false, true);
    TempDir dir;
    const ImageSet all = synthetic_set(7, 32, 32, 3, 10, 5);
    const std::array<std::size_t, 4> first{0, 1, 2, 3};
    const std::array<std::size_t, 3> second{4, 5, 6};
    const Bytes a = cifar_bytes(take(all, first), false), b = cifar_bytes(take(all, second), false);
    write_file(dir / "a.bin", gzip ? gzip_bytes(a) : a);
    write_file(dir / "b.bin", gzip ? gzip_bytes(b) : b);
    const std::array files{dir / "a.bin", dir / "b.bin"};
    const ImageSet got = read_cifar(files, CifarKind::cifar10);
    CHECK(got.height == 32);
    CHECK(got.width == 32);
    CHECK(got.channels == 3);
    CHECK(got.pixels == all.pixels);
    CHECK(got.labels == all.labels);
    CHECK(got.original_index == all.original_index);
}

TEST_CASE("CIFAR-100 keeps the fine label and checks both label bytes", "[data][cifar]") {
    TempDir dir;
    const ImageSet set = synthetic_set(5, 32, 32, 3, 100, 6);
    ImageSet wide = set;
    wide.labels = {99, 42, 20, 0, 63};
    write_file(dir / "train.bin", cifar_bytes(wide, true));
    const std::array files{dir / "train.bin"};
    const ImageSet got = read_cifar(files, CifarKind::cifar100);
    CHECK(got.labels == wide.labels);
    CHECK(got.pixels == set.pixels);

    Bytes bad = cifar_bytes(wide, true);
    bad[3074] = 20;  // coarse label of record 1
    write_file(dir / "train.bin", bad);
    CHECK_THAT(error_message([&] { read_cifar(files, CifarKind::cifar100); }),
               Contains("train.bin: label out of range: coarse label 20 of record 1, expected 0..19"));
    bad[3074] = 0;
    bad[3 * 3074 + 1] = 100;
    write_file(dir / "train.bin", bad);
    CHECK_THAT(error_message([&] { read_cifar(files, CifarKind::cifar100); }),
               Contains("fine label 100 of record 3, expected 0..99"));
}

TEST_CASE("CIFAR-100 read as CIFAR-10 is caught by the record size", "[data][cifar]") {
    TempDir dir;
    write_file(dir / "train.bin", cifar_bytes(synthetic_set(3, 32, 32, 3, 10, 7), true));
    const std::array files{dir / "train.bin"};
    CHECK_THAT(error_message([&] { read_cifar(files, CifarKind::cifar10); }),
               Contains("train.bin: truncated or not CIFAR-10") && Contains("9222 bytes"));
}

TEST_CASE("load_dataset reads CIFAR directories with their class names", "[data][cifar]") {
    TempDir dir;
    const ImageSet train = synthetic_set(50, 32, 32, 3, 10, 8);
    for (int i = 0; i < 5; ++i) {
        std::vector<std::size_t> part;
        for (std::size_t j = 0; j < 10; ++j) part.push_back(static_cast<std::size_t>(i) * 10 + j);
        write_file(dir / ("data_batch_" + std::to_string(i + 1) + ".bin"), cifar_bytes(take(train, part), false));
    }
    write_file(dir / "test_batch.bin", cifar_bytes(synthetic_set(20, 32, 32, 3, 10, 9), false));
    const Dataset ds = load_dataset(dataset_spec("cifar10", dir.path(), 10));
    CHECK(ds.train.size() == 40);
    CHECK(ds.val.size() == 10);
    CHECK(ds.test.size() == 20);
    CHECK(ds.class_names[0] == "airplane");
    CHECK(ds.class_names[9] == "truck");
    CHECK(ds.default_augment.pad == 4);
    CHECK(ds.default_augment.crop == 32);
    CHECK(ds.default_augment.hflip);
    CHECK(ds.normalization.mean.size() == 3);

    TempDir dir100;
    write_file(dir100 / "train.bin", cifar_bytes(synthetic_set(200, 32, 32, 3, 100, 10), true));
    write_file(dir100 / "test.bin", cifar_bytes(synthetic_set(100, 32, 32, 3, 100, 11), true));
    const DatasetSpec spec = dataset_spec("cifar100", dir100.path(), 0);
    CHECK(load_dataset(spec).class_names[57] == "57");
    std::string names;
    for (int k = 0; k < 100; ++k) names += "class_" + std::to_string(k) + "\n";
    names += "\n";  // the official file ends with a blank line
    write_file(dir100 / "fine_label_names.txt", Bytes(names.begin(), names.end()));
    const Dataset named = load_dataset(spec);
    CHECK(named.num_classes == 100);
    CHECK(named.class_names[57] == "class_57");
    names.resize(names.size() / 2);
    write_file(dir100 / "fine_label_names.txt", Bytes(names.begin(), names.end()));
    CHECK_THAT(error_message([&] { load_dataset(spec); }),
               Contains("fine_label_names.txt") && Contains("class names, expected 100"));
}
