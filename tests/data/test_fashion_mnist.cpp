// The real default data, installed by Debian's dataset-fashion-mnist (see setup.sh).
#include <catch2/catch.hpp>

#include <chrono>

#include "framework/data/dataset.hpp"

using namespace lskd::data;

TEST_CASE("Fashion-MNIST loads with its shapes, classes and balanced labels", "[data][fashion]") {
    const auto start = std::chrono::steady_clock::now();
    const Dataset ds = load_dataset({});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    WARN("Fashion-MNIST load (decompress, parse, split, normalise): " << seconds << " s");
    CHECK(ds.dir == kFashionMnistDir);
    CHECK(ds.num_classes == 10);
    CHECK(ds.class_names.front() == "T-shirt/top");
    CHECK(ds.class_names.back() == "Ankle boot");
    CHECK(ds.train.height == 28);
    CHECK(ds.train.width == 28);
    CHECK(ds.train.channels == 1);
    // The default validation split is the paper's 10k carved out of the 60k training images.
    CHECK(ds.train.size() == 50000);
    CHECK(ds.val.size() == 10000);
    CHECK(ds.test.size() == 10000);
    std::vector<std::size_t> train_files = class_counts(ds.train.labels, 10);
    const std::vector<std::size_t> val = class_counts(ds.val.labels, 10);
    for (std::size_t k = 0; k < 10; ++k) train_files[k] += val[k];
    CHECK(train_files == std::vector<std::size_t>(10, 6000));
    CHECK(class_counts(ds.test.labels, 10) == std::vector<std::size_t>(10, 1000));
    // Near the published statistics of all 60k training images (0.2860, 0.3530).
    CHECK(ds.normalization.mean[0] == Approx(0.2860).margin(2e-3));
    CHECK(ds.normalization.std[0] == Approx(0.3530).margin(2e-3));
}
