#include <hdf5.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/tensor/tensor.hpp"
#include "tests/io/h5_storage.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::create_raw_file;
using lskd::io::testing::stored_layout;
using lskd::io::testing::StoredLayout;
using lskd::io::testing::TempDir;

namespace {

std::int64_t numel(const Dims& dims) {
    std::int64_t n = 1;
    for (const std::int64_t d : dims) n *= d;
    return n;
}

template <typename T>
std::vector<T> ramp(std::int64_t n) {
    std::vector<T> v(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
        if constexpr (std::is_floating_point_v<T>) {
            v[static_cast<std::size_t>(i)] = static_cast<T>(i % 251) + T(0.25);
        } else {
            v[static_cast<std::size_t>(i)] = static_cast<T>(i % 251);
        }
    }
    return v;
}

}  // namespace

TEMPLATE_TEST_CASE("every element type round-trips at ranks 0 to 4 and with zero-sized dims", "[io]", float, double,
                   std::int32_t, std::int64_t, std::uint8_t) {
    TempDir dir;
    const std::string path = dir / "types.h5";
    const std::vector<Dims> shapes = {{}, {7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 2}, {0}, {4, 0}, {0, 3, 2}, {2, 0, 0, 1}};
    {
        H5File f = H5File::create(path);
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            const auto values = ramp<TestType>(numel(shapes[i]));
            f.write("shapes/s" + std::to_string(i), values.data(), shapes[i]);
        }
        f.close();
    }
    H5File f = H5File::open_read(path);
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        INFO("shape " << i);
        const Array<TestType> a = f.read<TestType>("shapes/s" + std::to_string(i));
        CHECK(a.shape == shapes[i]);
        CHECK(a.values == ramp<TestType>(numel(shapes[i])));
        CHECK(f.shape("/shapes/s" + std::to_string(i)) == shapes[i]);
    }
}

TEST_CASE("a tensor round-trips with its shape", "[io]") {
    TempDir dir;
    const std::string path = dir / "tensor.h5";
    std::vector<float> values(2 * 3 * 4 * 5);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.5f - 7.0f;
    const Tensor t = Tensor::from({2, 3, 4, 5}, values);
    {
        H5File f = H5File::create(path);
        f.write("params/block1.conv.weight", t);
        f.write("params/scalar", Tensor::full(Shape{}, 3.5f));
        f.write("params/empty", Tensor::zeros({0, 4}));
        f.close();
    }
    H5File f = H5File::open_read(path);
    const Tensor back = f.read_tensor("/params/block1.conv.weight");
    CHECK(back.shape() == t.shape());
    CHECK(std::vector<float>(back.values().begin(), back.values().end()) == values);
    CHECK(f.read_tensor("params/scalar").shape() == Shape{});
    CHECK(f.read_tensor("params/scalar").at(0) == 3.5f);
    CHECK(f.read_tensor("params/empty").shape() == Shape{0, 4});
    // The dotted name is one link, not nested groups.
    CHECK(f.children("params") == std::vector<std::string>{"block1.conv.weight", "empty", "scalar"});
    CHECK_THROWS_WITH(f.read_tensor("params/block1.conv.weight", 2),
                      Catch::Contains("has rank 4 (shape [2, 3, 4, 5]), expected rank 2"));
}

TEST_CASE("an undefined tensor is refused", "[io]") {
    TempDir dir;
    H5File f = H5File::create(dir / "t.h5");
    CHECK_THROWS_WITH(f.write("x", Tensor()), Catch::Contains("the tensor is undefined"));
}

TEST_CASE("vectors write as 1-D or with a shape that must match", "[io]") {
    TempDir dir;
    H5File f = H5File::create(dir / "v.h5");
    f.write("metrics/train_loss", std::vector<double>{2.5, 1.25, 0.75});
    f.write("records/train/epoch_1/labels", std::vector<std::int32_t>{3, 1, 4, 1, 5, 9}, {2, 3});
    CHECK(f.read<double>("metrics/train_loss").values == std::vector<double>{2.5, 1.25, 0.75});
    CHECK(f.shape("records/train/epoch_1/labels") == Dims{2, 3});
    CHECK_THROWS_WITH(f.write("bad", std::vector<float>{1, 2, 3}, {2, 2}),
                      Catch::Contains("3 values for shape [2, 2]"));
    CHECK_THROWS_AS(f.write<float>("neg", nullptr, {-1}), Error);
    CHECK_THROWS_WITH(f.write<float>("nodata", nullptr, {2}), Catch::Contains("no data given"));
    CHECK_FALSE(f.has("bad"));
}

TEST_CASE("datasets are checksummed chunks near 1 MiB, deflated at level 1 unless written uncompressed", "[io]") {
    TempDir dir;
    const std::string path = dir / "layout.h5";
    const std::vector<float> hundred(100, 1.0f);
    {
        H5File f = H5File::create(path);
        f.write("small", hundred);
        f.write("logits", std::vector<float>(50000 * 10, 0.5f), {50000, 10});
        f.write("bytes", std::vector<std::uint8_t>(10, 7));
        f.write_strings("names", {"a", "bc"});
        f.write("scalar", std::vector<double>{1.0}.data(), {});
        f.write("empty", std::vector<std::int64_t>{}.data(), {0, 5});
        // Every overload takes the storage.
        f.write("plain/pointer", hundred.data(), {10, 10}, Storage::uncompressed);
        f.write("plain/shaped", hundred, {100, 1}, Storage::uncompressed);
        f.write("plain/vector", std::vector<std::int64_t>(100, 3), Storage::uncompressed);
        f.write("plain/tensor", Tensor::full({4, 25}, 2.0f), Storage::uncompressed);
        f.write("plain/scalar", Tensor::full(Shape{}, 2.0f), Storage::uncompressed);
        f.close();
    }
    const StoredLayout small = stored_layout(path, "small");
    CHECK(small.layout == H5D_CHUNKED);
    CHECK(small.chunk == Dims{100});
    CHECK(small.filters == std::vector<H5Z_filter_t>{H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32});
    CHECK(small.deflate_level == 1);
    CHECK(small.chunked_and_checksummed());

    // 40-byte rows: 26214 fit in 1 MiB, so two chunks, of 25000 rows each.
    const StoredLayout logits = stored_layout(path, "logits");
    CHECK(logits.layout == H5D_CHUNKED);
    CHECK(logits.chunk == Dims{25000, 10});

    for (const std::string name : {"bytes", "names"})
        CHECK(stored_layout(path, name).filters ==
              std::vector<H5Z_filter_t>{H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32});
    // Uncompressed: the values in one zlib stored block (2-byte header, 5-byte block header, Adler-32), then the
    // Fletcher-32.
    for (const std::string name : {"plain/pointer", "plain/shaped", "plain/vector", "plain/tensor"}) {
        INFO(name);
        const StoredLayout plain = stored_layout(path, name);
        CHECK(plain.filters == std::vector<H5Z_filter_t>{H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32});
        CHECK(plain.deflate_level == 0);
        CHECK(plain.chunked_and_checksummed());
        CHECK(plain.stored_bytes == 100 * (name == "plain/vector" ? 8 : 4) + 2 + 5 + 4 + 4);
    }
    // Scalars and empty datasets cannot be chunked, whatever the storage asked for.
    CHECK(stored_layout(path, "scalar").layout != H5D_CHUNKED);
    CHECK(stored_layout(path, "plain/scalar").layout != H5D_CHUNKED);
    CHECK(stored_layout(path, "empty").layout != H5D_CHUNKED);

    H5File f = H5File::open_read(path);
    CHECK(f.read<float>("plain/pointer").values == hundred);
    CHECK(f.read<std::int64_t>("plain/vector").values == std::vector<std::int64_t>(100, 3));
    CHECK(f.read_tensor("plain/tensor").shape() == Shape{4, 25});
}

TEST_CASE("chunk shapes keep trailing dims whole and cut the split dim into equal chunks", "[io]") {
    using detail::chunk_shape;
    CHECK(chunk_shape({10}, 4) == Dims{10});
    CHECK(chunk_shape({1 << 20}, 4) == Dims{1 << 18});
    // 2048-byte rows: at most 512 per chunk, so 98 chunks; 50000 / 98 = 510.2 rounds up to 511.
    CHECK(chunk_shape({50000, 512}, 4) == Dims{511, 512});
    CHECK(chunk_shape({3, 1 << 20}, 8) == Dims{1, 1 << 17});
    CHECK(chunk_shape({64, 64, 3, 3}, 4) == Dims{64, 64, 3, 3});
    // 2000-byte rows: at most 524, so 4 chunks of 500 rather than 3 of 524 and one of 428.
    CHECK(chunk_shape({2, 2000, 2000}, 1) == Dims{1, 500, 2000});
    // mlp-1200's first weight: 3136-byte rows, at most 334, so 4 chunks of 300 rather than 334 (the last 41 % empty).
    CHECK(chunk_shape({1200, 784}, 4) == Dims{300, 784});
    CHECK(chunk_shape({1201, 784}, 4) == Dims{301, 784});
}

TEST_CASE("an uncompressed dataset takes its own size on disk, without padding in its last chunk", "[io]") {
    TempDir dir;
    const std::string path = dir / "padding.h5";
    {
        H5File f = H5File::create(path);
        f.write("weight", Tensor::full({1200, 784}, 0.5f), Storage::uncompressed);
        f.close();
    }
    // 4 chunks of 940800 bytes, each in 15 zlib stored blocks of at most 65535 bytes: 2 + 15 * 5 + 4 bytes of
    // zlib and 4 of Fletcher-32 per chunk.
    const StoredLayout weight = stored_layout(path, "weight");
    CHECK(weight.chunk == Dims{300, 784});
    CHECK(weight.stored_bytes == 1200 * 784 * 4 + 4 * (2 + 15 * 5 + 4 + 4));
}

TEST_CASE("writing over a dataset replaces it, whatever its type and shape", "[io]") {
    TempDir dir;
    const std::string path = dir / "overwrite.h5";
    H5File f = H5File::create(path);
    f.write("metrics/acc", std::vector<double>{0.5});
    f.write("metrics/acc", std::vector<double>{0.5, 0.75});
    CHECK(f.read<double>("metrics/acc").values == std::vector<double>{0.5, 0.75});
    f.write("metrics/acc", std::vector<std::int32_t>{1, 2, 3}, {3, 1});
    CHECK(f.shape("metrics/acc") == Dims{3, 1});
    CHECK(f.value_kind("metrics/acc") == ValueKind::integer);
    f.write_strings("metrics/acc", {"a"});
    CHECK(f.value_kind("metrics/acc") == ValueKind::string);
    CHECK(f.children("metrics") == std::vector<std::string>{"acc"});
    // A group is never replaced: that would drop everything below it.
    CHECK_THROWS_WITH(f.write("metrics", std::vector<double>{1}), Catch::Contains("a group is there"));
    CHECK(f.has("metrics/acc"));
}

TEST_CASE("groups are created on demand, listed sorted, and removed", "[io]") {
    TempDir dir;
    H5File f = H5File::create(dir / "groups.h5");
    f.write("records/train/epoch_10/labels", std::vector<std::int32_t>{1});
    f.write("records/train/epoch_2/labels", std::vector<std::int32_t>{1});
    f.write("records/test/epoch_1/indices", std::vector<std::int64_t>{4});
    f.create_group("analysis/cka");
    f.create_group("analysis/cka");  // existing: nothing happens
    CHECK(f.children() == std::vector<std::string>{"analysis", "records"});
    CHECK(f.children("/records") == std::vector<std::string>{"test", "train"});
    CHECK(f.children("records/train") == std::vector<std::string>{"epoch_10", "epoch_2"});
    CHECK(f.children("analysis/cka").empty());
    CHECK(f.is_group("records/train/epoch_2"));
    CHECK(f.is_dataset("records/train/epoch_2/labels"));
    CHECK_FALSE(f.is_group("records/train/epoch_2/labels"));
    CHECK(f.has("/"));
    CHECK(f.has("//records//train/"));
    CHECK_FALSE(f.has("records/val"));
    CHECK_FALSE(f.has("records/train/epoch_2/labels/deeper"));  // through a dataset
    CHECK_FALSE(f.has("nowhere/at/all"));

    f.remove("records/train");
    CHECK_FALSE(f.has("records/train/epoch_10/labels"));
    CHECK(f.children("records") == std::vector<std::string>{"test"});
    CHECK_THROWS_WITH(f.remove("records/train"), Catch::Contains("no object '/records/train'"));
    CHECK_THROWS_WITH(f.remove("/"), Catch::Contains("cannot remove the root group"));
    CHECK_THROWS_WITH(f.children("records/test/epoch_1/indices"), Catch::Contains("is not a group"));
    CHECK_THROWS_WITH(f.children("nope"), Catch::Contains("no group '/nope'"));
    CHECK_THROWS_WITH(f.create_group("records/test/epoch_1/indices"), Catch::Contains("a dataset is there"));
}

TEST_CASE("strings round-trip as fixed-length UTF-8, unicode and empty ones included", "[io]") {
    TempDir dir;
    const std::string path = dir / "strings.h5";
    const std::vector<std::string> names = {"resnet", "", "größe", "温度", "emoji 🙂", std::string(1000, 'x')};
    {
        H5File f = H5File::create(path);
        f.write_strings("summary/model", names);
        f.write_strings("summary/none", {});
        f.close();
    }
    H5File f = H5File::open_read(path);
    CHECK(f.read_strings("summary/model") == names);
    CHECK(f.read_strings("summary/none").empty());
    CHECK(f.shape("summary/model") == Dims{6});
    CHECK(f.value_kind("summary/model") == ValueKind::string);
}

TEST_CASE("strings HDF5 could not store faithfully are refused", "[io]") {
    TempDir dir;
    H5File f = H5File::create(dir / "s.h5");
    CHECK_THROWS_WITH(f.write_strings("a", {"ok", std::string("nul\0byte", 8)}), Catch::Contains("NUL byte"));
    CHECK_THROWS_WITH(f.write_strings("b", {"\xff\xfe"}), Catch::Contains("not valid UTF-8"));
    CHECK_THROWS_WITH(f.write_strings("c", {"\xc0\xaf"}), Catch::Contains("not valid UTF-8"));  // overlong
    CHECK_FALSE(f.has("a"));
}

TEST_CASE("fixed-length strings written by other tools read back", "[io]") {
    TempDir dir;
    const std::string path = dir / "fixed.h5";
    {
        const hid_t file = io::testing::create_raw_file(path);
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, 4);
        H5Tset_strpad(type, H5T_STR_NULLPAD);
        const hsize_t n = 3;
        const hid_t space = H5Screate_simple(1, &n, nullptr);
        const hid_t d = H5Dcreate2(file, "names", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const char data[] = {'c', 'a', 't', 0, 'h', 'o', 'r', 's', 'o', 'x', 0, 0};
        H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
        H5Dclose(d);
        H5Sclose(space);
        H5Tclose(type);
        H5Fclose(file);
    }
    H5File f = H5File::open_read(path);
    CHECK(f.read_strings("names") == std::vector<std::string>{"cat", "hors", "ox"});
}

TEST_CASE("reads convert between numbers but refuse strings, fractions and overflow", "[io]") {
    TempDir dir;
    H5File f = H5File::create(dir / "convert.h5");
    f.write("ints", std::vector<std::int32_t>{1, -2, 3});
    f.write("floats", std::vector<float>{1.5f, 2.5f});
    f.write("big", std::vector<std::int64_t>{std::int64_t{1} << 40});
    f.write("negative", std::vector<std::int32_t>{-1});
    f.write_strings("names", {"a", "b"});

    CHECK(f.read<float>("ints").values == std::vector<float>{1, -2, 3});
    CHECK(f.read<double>("floats").values == std::vector<double>{1.5, 2.5});
    CHECK(f.read<std::int64_t>("ints").values == std::vector<std::int64_t>{1, -2, 3});
    CHECK(f.read_tensor("ints").at(1) == -2.0f);

    CHECK_THROWS_WITH(f.read<std::int32_t>("floats"), Catch::Contains("holds floats, which cannot be read as int32"));
    CHECK_THROWS_WITH(f.read<float>("names"), Catch::Contains("holds strings, which cannot be read as float32"));
    CHECK_THROWS_WITH(f.read_tensor("names"), Catch::Contains("'/names' holds strings"));
    CHECK_THROWS_WITH(f.read_strings("ints"), Catch::Contains("dataset '/ints' holds integers, not strings"));
    CHECK_THROWS_WITH(f.read<std::int32_t>("big"), Catch::Contains("a value does not fit in int32"));
    CHECK_THROWS_WITH(f.read<std::uint8_t>("negative"), Catch::Contains("a value does not fit in uint8"));
    CHECK_THROWS_WITH(f.read<float>("ints", 2), Catch::Contains("has rank 1 (shape [3]), expected rank 2"));
    // After all those failures the file still works.
    CHECK(f.read<double>("floats").values.size() == 2);
}

TEST_CASE("a tensor above rank 5 is refused, though the dataset reads as an array", "[io]") {
    TempDir dir;
    H5File f = H5File::create(dir / "rank6.h5");
    const Dims dims = {1, 2, 1, 2, 1, 2};
    f.write("six", std::vector<float>(8, 1.0f), dims);
    CHECK(f.read<float>("six").shape == dims);
    CHECK_THROWS_WITH(f.read_tensor("six"), Catch::Contains("rank 6, above a tensor's maximum 5"));
}

TEST_CASE("a file opened for reading refuses writes", "[io]") {
    TempDir dir;
    const std::string path = dir / "ro.h5";
    H5File::create(path).close();
    H5File f = H5File::open_read(path);
    CHECK_FALSE(f.writable());
    CHECK_THROWS_WITH(f.write("x", std::vector<float>{1}), Catch::Contains("file is open read-only"));
    CHECK_THROWS_WITH(f.create_group("g"), Catch::Contains("file is open read-only"));
    CHECK_THROWS_WITH(f.set_attr("/", "a", 1.0), Catch::Contains("file is open read-only"));
}

TEST_CASE("a file reopened for writing keeps its contents and takes more", "[io]") {
    TempDir dir;
    const std::string path = dir / "rw.h5";
    {
        H5File f = H5File::create(path);
        f.write("a", std::vector<double>{1});
        f.close();
    }
    {
        H5File f = H5File::open_readwrite(path);
        f.write("b", std::vector<double>{2});
        f.close();
    }
    H5File f = H5File::open_read(path);
    CHECK(f.children() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a moved-from or closed file reports that it is closed", "[io]") {
    TempDir dir;
    const std::string path = dir / "moved.h5";
    H5File a = H5File::create(path);
    H5File b = std::move(a);
    CHECK_FALSE(a.is_open());
    CHECK(b.is_open());
    b.write("x", std::vector<float>{1});
    b.close();
    b.close();  // closing twice is harmless
    CHECK_THROWS_WITH(b.has("x"), Catch::Contains("file is closed"));
    H5File c = H5File::open_read(path);
    c = H5File::open_read(path);  // assignment closes the previous file
    CHECK(c.has("x"));
}
