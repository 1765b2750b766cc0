#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/idx_reader.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

void check_same(const ImageSet& got, const ImageSet& want) {
    CHECK(got.height == want.height);
    CHECK(got.width == want.width);
    CHECK(got.channels == 1);
    CHECK(got.pixels == want.pixels);
    CHECK(got.labels == want.labels);
    CHECK(got.original_index == want.original_index);
}

}  // namespace

TEST_CASE("IDX pairs read back exactly, raw and gzip'd", "[data][idx]") {
    const bool gzip = GENERATE(false, true);
    TempDir dir;
    const ImageSet train = synthetic_set(30, 28, 28, 1, 10, 1);
    const ImageSet test = synthetic_set(12, 28, 28, 1, 10, 2);
    write_idx_dir(dir.path(), train, test, gzip);
    const std::string ext = gzip ? ".gz" : "";
    check_same(read_idx(dir / ("train-images-idx3-ubyte" + ext), dir / ("train-labels-idx1-ubyte" + ext), {28, 28, 10}),
               train);
    check_same(read_idx(dir / ("t10k-images-idx3-ubyte" + ext), dir / ("t10k-labels-idx1-ubyte" + ext)), test);
}

TEST_CASE("IDX images of any size are accepted when no size is expected", "[data][idx]") {
    const ImageSet set = synthetic_set(5, 3, 7, 1, 4, 3);
    const Bytes labels(set.labels.begin(), set.labels.end());
    const ImageSet got = parse_idx(idx_images_bytes(5, 3, 7, set.pixels), idx_labels_bytes(labels), "i", "l");
    CHECK(got.height == 3);
    CHECK(got.width == 7);
    CHECK(got.pixels == set.pixels);
}

TEST_CASE("IDX size and label expectations are enforced", "[data][idx]") {
    const ImageSet set = synthetic_set(4, 32, 32, 1, 4, 3);
    Bytes labels(set.labels.begin(), set.labels.end());
    CHECK_THAT(
        error_message([&] {
            parse_idx(idx_images_bytes(4, 32, 32, set.pixels), idx_labels_bytes(labels), "imgs", "labs", {28, 28, 10});
        }),
        Contains("imgs: wrong image size: header says 32x32, expected 28x28"));
    labels[2] = 10;
    CHECK_THAT(
        error_message([&] {
            parse_idx(idx_images_bytes(4, 32, 32, set.pixels), idx_labels_bytes(labels), "imgs", "labs", {32, 32, 10});
        }),
        Contains("labs: label out of range: label 10 of example 2, expected 0..9"));
}
