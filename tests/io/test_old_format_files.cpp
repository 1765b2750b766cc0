// Files in HDF5's pre-1.8 format (libhdf5's and h5py's default): read after a sandboxed child has read all of them,
// with the values as written; refused with a clear message when that child crashes, runs out of time or of memory.
#include <hdf5.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/sanitizers.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/h5_old_format.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::TempDir;

namespace {

// Lowers the check's limits for one test case.
class LimitsOverride {
public:
    LimitsOverride(double seconds, std::size_t memory_bytes) {
        SandboxLimits l;
        l.seconds = seconds;
        l.memory_bytes = memory_bytes;
        override_old_format_check_limits(l);
    }
    ~LimitsOverride() { override_old_format_check_limits(std::nullopt); }
    LimitsOverride(const LimitsOverride&) = delete;
    LimitsOverride& operator=(const LimitsOverride&) = delete;
};

unsigned superblock_of(const std::string& path) {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    H5F_info2_t info{};
    H5Fget_info2(file, &info);
    H5Fclose(file);
    return info.super.version;
}

void write_dataset(hid_t file, const char* name, hid_t type, const std::vector<hsize_t>& dims, const void* values) {
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t d = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    H5Dclose(d);
    H5Sclose(space);
}

// With libhdf5's default file access, as h5py.File(path, "w") writes: superblock 0, symbol-table groups.
hid_t create_old_format_file(const std::string& path) {
    return H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
}

// An old-format file holding `floats` float32 values in one contiguous dataset, /values.
std::string old_file_of_floats(const TempDir& dir, std::size_t floats) {
    const std::string path = dir / "big.h5";
    const hid_t file = create_old_format_file(path);
    const std::vector<float> values(floats, 0.5f);
    write_dataset(file, "values", H5T_NATIVE_FLOAT, {floats}, values.data());
    H5Fclose(file);
    return path;
}

}  // namespace

TEST_CASE("a file in the pre-1.8 format, h5py's default, is read after its check with the values written", "[io]") {
    TempDir dir;
    const std::string path = dir / "old.h5";
    {
        const hid_t file = create_old_format_file(path);
        const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(lcpl, 1);
        H5Gclose(H5Gcreate2(file, "/train", lcpl, H5P_DEFAULT, H5P_DEFAULT));
        H5Pclose(lcpl);
        const std::vector<float> logits = {1.5f, -2.f, 0.25f, 3.f, 4.f, -0.5f};
        write_dataset(file, "/train/logits", H5T_NATIVE_FLOAT, {3, 2}, logits.data());
        const std::vector<std::int64_t> indices = {7, 0, 3};
        write_dataset(file, "/train/indices", H5T_NATIVE_INT64, {3}, indices.data());
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, 5);
        const hid_t scalar = H5Screate(H5S_SCALAR);
        const hid_t attr = H5Acreate2(file, "dataset", type, scalar, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(attr, type, "mnist");
        H5Aclose(attr);
        const hid_t k = H5Acreate2(file, "num_classes", H5T_STD_I64LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
        const std::int64_t two = 2;
        H5Awrite(k, H5T_NATIVE_INT64, &two);
        H5Aclose(k);
        H5Sclose(scalar);
        H5Tclose(type);
        H5Fclose(file);
    }
    REQUIRE(superblock_of(path) == 0);
    const H5File f = H5File::open_read(path);
    CHECK(f.children("/") == std::vector<std::string>{"train"});
    CHECK(f.children("/train") == std::vector<std::string>{"indices", "logits"});
    CHECK(f.attr_string("/", "dataset") == "mnist");
    CHECK(f.attr_int64("/", "num_classes") == 2);
    const Array<float> logits = f.read<float>("/train/logits", 2);
    CHECK(logits.shape == Dims{3, 2});
    CHECK(logits.values == std::vector<float>{1.5f, -2.f, 0.25f, 3.f, 4.f, -0.5f});
    CHECK(f.read<std::int64_t>("/train/indices").values == std::vector<std::int64_t>{7, 0, 3});
}

TEST_CASE("lskd writes into no file in the pre-1.8 format", "[io]") {
    TempDir dir;
    const std::string path = dir / "old.h5";
    H5Fclose(create_old_format_file(path));
    CHECK_THROWS_WITH(H5File::open_readwrite(path),
                      Catch::Equals(path + ": an HDF5 file in the pre-1.8 format (superblock version 0); lskd writes "
                                           "only into files in the format it writes"));
    CHECK_NOTHROW(H5File::open_read(path));
}

TEST_CASE("a pre-1.8 file whose check outlives its time limit is refused saying so", "[io]") {
    TempDir dir;
    const std::string path = old_file_of_floats(dir, std::size_t{16} << 20);  // 64 MiB cannot be read in 1 ms
    const LimitsOverride low(0.001, std::size_t{1} << 30);
    CHECK_THROWS_WITH(H5File::open_read(path),
                      Catch::StartsWith(path + ": could not be validated (a file in HDF5's pre-1.8 format") &&
                          Catch::EndsWith("reading it took longer than 0.001 s"));
}

TEST_CASE("a pre-1.8 file whose check needs more memory than its limit is refused saying so", "[io]") {
    TempDir dir;
    const std::string path = dir / "wide.h5";
    {
        // One row of 256 MiB in one chunk, never written: a small file whose reading needs the whole row at once.
        const hid_t file = create_old_format_file(path);
        const hsize_t dims[2] = {1, hsize_t{64} << 20};
        const hid_t space = H5Screate_simple(2, dims, nullptr);
        const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, dims);
        H5Dclose(H5Dcreate2(file, "wide", H5T_NATIVE_FLOAT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Pclose(dcpl);
        H5Sclose(space);
        H5Fclose(file);
    }
    const LimitsOverride low(60, std::size_t{4} << 20);
#if defined(LSKD_ADDRESS_SANITIZER)
    // AddressSanitizer's operator new reports a failed allocation and exits instead of throwing.
    CHECK_THROWS_WITH(H5File::open_read(path), Catch::StartsWith(path + ": could not be validated"));
#else
    CHECK_THROWS_WITH(H5File::open_read(path),
                      Catch::StartsWith(path + ": could not be validated (a file in HDF5's pre-1.8 format") &&
                          Catch::EndsWith("reading it needs more than 4 MiB of memory"));
#endif
}
