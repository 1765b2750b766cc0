// Every kind of bad input named in the data issue, through load_dataset as the command line reaches it: each is
// one lskd::Error that names the file and says what is wrong.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/dataset.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

struct MnistDir {
    TempDir dir;
    bool gzip;
    explicit MnistDir(bool gz) : gzip(gz) {
        write_idx_dir(dir.path(), synthetic_set(30, 28, 28, 1, 10, 1), synthetic_set(10, 28, 28, 1, 10, 2), gzip);
    }
    std::filesystem::path file(const std::string& base) const { return dir / (gzip ? base + ".gz" : base); }
    void replace(const std::string& base, const Bytes& raw) const {
        write_file(file(base), gzip ? gzip_bytes(raw) : raw);
    }
    std::string load_error() const {
        return error_message([&] { load_dataset(dataset_spec("mnist", dir.path(), 5)); });
    }
};

Bytes labels_of(std::size_t n, std::uint8_t value) { return idx_labels_bytes(Bytes(n, value)); }

}  // namespace

TEST_CASE("bad IDX input gives one clear error naming the file", "[data][bad_input]") {
    const bool gzip = GENERATE(false, true);
    MnistDir d(gzip);
    REQUIRE(d.load_error().empty());
    const std::string images = d.file("train-images-idx3-ubyte").string();
    const std::string labels = d.file("train-labels-idx1-ubyte").string();
    const Bytes pixels(30 * 28 * 28, 9);

    SECTION("missing directory") {
        CHECK_THAT(error_message([&] { load_dataset(dataset_spec("mnist", d.dir / "absent", 5)); }),
                   Contains("absent: data directory of 'mnist' does not exist"));
    }
    SECTION("missing file") {
        std::filesystem::remove(d.file("t10k-labels-idx1-ubyte"));
        CHECK_THAT(d.load_error(), Contains("t10k-labels-idx1-ubyte: missing file"));
    }
    SECTION("wrong magic number") {
        Bytes raw = idx_images_bytes(30, 28, 28, pixels);
        raw[3] = 0x01;
        d.replace("train-images-idx3-ubyte", raw);
        CHECK_THAT(d.load_error(), Contains(images + ": wrong magic number 0x00000801, expected 0x00000803"));
    }
    SECTION("truncated file") {
        const Bytes full = labels_of(30, 1);
        d.replace("train-labels-idx1-ubyte", Bytes(full.begin(), full.end() - 10));
        CHECK_THAT(d.load_error(), Contains(labels + ": truncated: header says 30 labels, file has 20 bytes of data"));
        const Bytes raw = idx_images_bytes(30, 28, 28, pixels);
        d.replace("train-images-idx3-ubyte", Bytes(raw.begin(), raw.end() - 1));
        CHECK_THAT(d.load_error(),
                   Contains(images + ": truncated: header says 30 images of 28x28, file has 23519 bytes"));
    }
    SECTION("image/label count mismatch") {
        d.replace("train-labels-idx1-ubyte", labels_of(29, 1));
        CHECK_THAT(d.load_error(),
                   Contains(labels + ": image/label count mismatch: 29 labels, but " + images + " has 30 images"));
    }
    SECTION("label out of range") {
        Bytes raw = labels_of(30, 1);
        raw[8 + 17] = 10;
        d.replace("train-labels-idx1-ubyte", raw);
        CHECK_THAT(d.load_error(), Contains(labels + ": label out of range: label 10 of example 17, expected 0..9"));
    }
    SECTION("wrong image size") {
        d.replace("train-images-idx3-ubyte", idx_images_bytes(30, 32, 32, Bytes(30 * 32 * 32, 9)));
        CHECK_THAT(d.load_error(), Contains(images + ": wrong image size: header says 32x32, expected 28x28"));
    }
    SECTION("empty file") {
        write_file(d.file("train-images-idx3-ubyte"), Bytes{});
        CHECK_THAT(d.load_error(), Contains(images + ": empty file"));
    }
    SECTION("trailing data") {
        Bytes raw = labels_of(30, 1);
        raw.push_back(0);
        d.replace("train-labels-idx1-ubyte", raw);
        CHECK_THAT(d.load_error(), Contains(labels + ": 1 bytes of trailing data after 30 labels"));
    }
}

TEST_CASE("bad CIFAR input gives one clear error naming the file", "[data][bad_input]") {
    TempDir dir;
    const Bytes batch = cifar_bytes(synthetic_set(4, 32, 32, 3, 10, 1), false);
    for (int i = 1; i <= 5; ++i) write_file(dir / ("data_batch_" + std::to_string(i) + ".bin"), batch);
    write_file(dir / "test_batch.bin", batch);
    const auto load_error = [&] {
        return error_message([&] { load_dataset(dataset_spec("cifar10", dir.path(), 2)); });
    };
    REQUIRE(load_error().empty());
    const std::string third = (dir / "data_batch_3.bin").string();

    SECTION("missing file") {
        std::filesystem::remove(third);
        CHECK_THAT(load_error(), Contains(third + ": no such file"));
    }
    SECTION("truncated file") {
        write_file(third, Bytes(batch.begin(), batch.end() - 100));
        CHECK_THAT(load_error(), Contains(third + ": truncated or not CIFAR-10"));
    }
    SECTION("label out of range") {
        Bytes bad = batch;
        bad[3073 * 2] = 10;
        write_file(third, bad);
        CHECK_THAT(load_error(), Contains(third + ": label out of range: label 10 of record 2, expected 0..9"));
    }
    SECTION("empty file") {
        write_file(third, Bytes{});
        CHECK_THAT(load_error(), Contains(third + ": empty file"));
    }
    SECTION("a file where the directory should be") {
        CHECK_THAT(error_message([&] { load_dataset(dataset_spec("cifar10", dir / "test_batch.bin", 2)); }),
                   Contains("test_batch.bin: data directory of 'cifar10' is not a directory"));
    }
}
