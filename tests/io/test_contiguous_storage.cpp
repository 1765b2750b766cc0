// Storage::contiguous: one block without filters, a CRC-32 of the bytes beside it, verified on every read, so a
// damaged value fails the read as a damaged chunk does.
#include <hdf5.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <zlib.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/io/h5_storage.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::TempDir;

namespace {

// The file offset of a contiguous dataset's first byte, from HDF5's C API.
std::uint64_t data_offset(const std::string& file, const std::string& dataset) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
    const haddr_t offset = H5Dget_offset(d);
    H5Dclose(d);
    H5Fclose(f);
    REQUIRE(offset != HADDR_UNDEF);
    return offset;
}

void xor_byte(const std::string& file, std::uint64_t at, unsigned char mask) {
    std::fstream s(file, std::ios::in | std::ios::out | std::ios::binary);
    s.seekg(static_cast<std::streamoff>(at));
    char c = 0;
    s.get(c);
    s.seekp(static_cast<std::streamoff>(at));
    s.put(static_cast<char>(c ^ static_cast<char>(mask)));
}

}  // namespace

TEST_CASE("a contiguous dataset is one unfiltered block with the CRC-32 of its bytes", "[io]") {
    TempDir dir;
    const std::string path = dir / "c.h5";
    const Tensor t = Tensor::from({2, 3}, std::vector<float>{1, -2, 3.5f, 0, 0, 7});
    {
        H5File f = H5File::create(path);
        f.write("/w", t, Storage::contiguous);
        f.write("/n", std::vector<std::int64_t>{4, 5, 6}, Storage::contiguous);
    }
    const testing::StoredLayout layout = testing::stored_layout(path, "/w");
    CHECK(layout.layout == H5D_CONTIGUOUS);
    CHECK(layout.filters.empty());
    const H5File f = H5File::open_read(path);
    const std::int64_t crc =
        static_cast<std::int64_t>(crc32_z(0, reinterpret_cast<const Bytef*>(t.data()), 6 * sizeof(float)));
    CHECK(f.attr_int64("/w", "crc32") == crc);
    CHECK(f.read_tensor("/w").values()[2] == 3.5f);
    CHECK(f.read<std::int64_t>("/n").values == std::vector<std::int64_t>{4, 5, 6});
    CHECK(f.read<double>("/n").values == std::vector<double>{4, 5, 6});  // converted: not checked, not refused
}

TEST_CASE("the stored CRC-32 is zlib's, at lengths and alignments around the fast path's blocks", "[io]") {
    TempDir dir;
    const std::string path = dir / "c.h5";
    std::vector<std::uint8_t> bytes(300007);
    std::uint32_t x = 12345;
    for (auto& b : bytes) b = static_cast<std::uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
    H5File f = H5File::create(path);
    for (const std::size_t offset : {0, 1, 3, 8}) {
        for (const std::size_t length : {0, 1, 15, 16, 63, 64, 65, 255, 4096, 300000 - 1}) {
            const std::uint8_t* start = bytes.data() + offset;
            f.write("/b", start, Dims{static_cast<std::int64_t>(length)}, Storage::contiguous);
            const auto expected = static_cast<std::int64_t>(crc32_z(crc32_z(0, Z_NULL, 0), start, length));
            INFO("offset " << offset << ", length " << length);
            CHECK(f.attr_int64("/b", "crc32") == expected);
            CHECK(f.read<std::uint8_t>("/b").values == std::vector<std::uint8_t>(start, start + length));
        }
    }
}

TEST_CASE("a damaged byte of a contiguous dataset fails its read, naming the file and the dataset", "[io]") {
    TempDir dir;
    const std::string path = dir / "c.h5";
    std::vector<float> values(1000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.25f;
    {
        H5File f = H5File::create(path);
        f.write("/w", values.data(), Dims{1000}, Storage::contiguous);
    }
    // A zero float turned into a NaN's high bytes, the damage a Fletcher-32 alone misses (test_h5_datasets.cpp).
    const std::uint64_t at = data_offset(path, "/w");
    xor_byte(path, at + 2, 0xFF);
    xor_byte(path, at + 3, 0xFF);
    const H5File f = H5File::open_read(path);
    CHECK_THROWS_WITH(f.read_tensor("/w"), Catch::Contains(path) && Catch::Contains("'/w' fails its CRC-32 check"));
    CHECK_THROWS_WITH(f.read<float>("/w"), Catch::Contains("CRC-32"));
}
