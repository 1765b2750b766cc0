// Files that broke libhdf5 itself: the fuzzer's findings (tests/fuzz/findings) must end in an lskd::Error
// naming the file, never a crash or a hang; strings are fixed-length both ways, and variable-length ones (whose
// reading runs libhdf5's global-heap code) are refused before any read.
#include <unistd.h>

#include <hdf5.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/sanitizers.hpp"
#include "framework/io/h5_file.hpp"
#include "framework/io/sandboxed_check.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::ChildResult;
using lskd::io::testing::create_raw_file;
using lskd::io::testing::run_in_child;
using lskd::io::testing::TempDir;

namespace {

// Runs `read` in a child that a crash or a 20 s hang ends: exit 1 when it threw an lskd::Error starting with
// "<path>: ", whose message comes back.
ChildResult refused_in_child(const std::string& path, const std::function<void()>& read) {
    return run_in_child([&](std::string& message) {
        ::alarm(20);
        try {
            read();
        } catch (const Error& e) {
            message = e.what();
            return std::string(e.what()).rfind(path + ": ", 0) == 0 ? 1 : 3;
        }
        return 0;
    });
}

// The root attributes in the order distill::load_run reads them.
void read_like_load_run(const std::string& path) {
    const H5File f = H5File::open_read(path);
    if (!f.has_attr("/", "format") || f.attr_string("/", "format") != "lskd-run/2") fail("{}: not a run file", path);
    f.attr_string("/", "config");
    f.attr_int64("/", "num_classes");
    f.attr_strings("/", "class_names");
    f.attr_string("/", "input_shape_hwc");
}

// Raw HDF5, as another program would write: a string attribute `name` on the root of a new file at `path`.
void write_raw_string_attr(const std::string& path, const char* name, bool variable) {
    const hid_t file = create_raw_file(path);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, variable ? H5T_VARIABLE : 8);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* text = "lskd-run";
    H5Awrite(attr, type, variable ? static_cast<const void*>(&text) : text);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(file);
}

}  // namespace

TEST_CASE("the fuzzer's findings are clear errors naming the file, not a crash or a hang", "[io]") {
    // All three are in the pre-1.8 format, whose unchecksummed heaps crashed or hung libhdf5 1.10: the check in a
    // child process (h5_old_format.hpp) finds each damaged before lskd reads it.
    const std::vector<std::pair<const char*, const char*>> findings = {
        {"run_file_hdf5_global_heap_overread.h5", ": cannot list group '/': bad symbol table node signature"},
        {"run_file_hdf5_global_heap_hang.h5", ": cannot list group '/': bad symbol table node signature"},
        {"run_file_hdf5_local_heap_null_read.h5", ": cannot inspect '/counters': bad object header version number"}};
    for (const auto& [name, message] : findings) {
        const std::string path = std::string(LSKD_SOURCE_DIR) + "/tests/fuzz/findings/" + name;
        const ChildResult r = refused_in_child(path, [&] { read_like_load_run(path); });
        INFO(name << ": exit " << r.exit_code << ": " << r.message);
        CHECK(r.exit_code == 1);
        CHECK(r.message == path + message);
    }
}

TEST_CASE("libhdf5's crash on the local-heap finding ends the checking child, not the caller", "[io]") {
    // What the check contains: listing /params of that file, as H5File::children would, still crashes libhdf5.
    const std::string path =
        std::string(LSKD_SOURCE_DIR) + "/tests/fuzz/findings/run_file_hdf5_local_heap_null_read.h5";
    const SandboxResult r = run_sandboxed(
        [&] {
            H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
            const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
            const hid_t group = H5Gopen2(file, "/params", H5P_DEFAULT);
            const auto ignore = [](hid_t, const char*, const H5L_info_t*, void*) -> herr_t { return 0; };
            if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, ignore, nullptr) < 0)
                fail("{}: libhdf5 refused /params without crashing", path);
        },
        SandboxLimits{});
    INFO(r.message);
    CHECK(r.outcome == SandboxResult::Outcome::crashed);
#if !defined(LSKD_ADDRESS_SANITIZER)  // which reports the bad read itself and exits
    CHECK(r.signal == SIGSEGV);
#endif
}

TEST_CASE("string attributes and datasets are stored fixed-length, NUL-padded UTF-8, as long as the longest", "[io]") {
    TempDir dir;
    const std::string path = dir / "fixed.h5";
    const std::string longest(300 * 1024, 'y');  // above the 64 KiB of compact attribute storage
    const std::vector<std::string> names = {"größe", "", "温度 🙂", "x"};
    {
        H5File f = H5File::create(path);
        f.set_attr("/", "empty", "");
        f.set_attr("/", "utf8", "Ärmel 袜子");
        f.set_attr("/", "long", longest);
        f.set_attr("/", "names", names);
        f.set_attr("/", "none", std::vector<std::string>{});
        f.write_strings("strings", names);
        f.close();
    }
    {
        const H5File f = H5File::open_read(path);
        CHECK(f.attr_string("/", "empty").empty());
        CHECK(f.attr_string("/", "utf8") == "Ärmel 袜子");
        CHECK(f.attr_string("/", "long") == longest);
        CHECK(f.attr_strings("/", "names") == names);
        CHECK(f.attr_strings("/", "none").empty());
        CHECK(f.read_strings("strings") == names);
    }

    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(file >= 0);
    // 1 byte is HDF5's least size; "Ärmel 袜子" is 2 + 4 + 1 + 2 * 3 UTF-8 bytes, "温度 🙂" 2 * 3 + 1 + 4.
    const std::vector<std::pair<const char*, std::size_t>> sizes = {
        {"empty", 1}, {"utf8", 13}, {"long", longest.size()}, {"names", 11}, {"none", 1}};
    for (const auto& [name, size] : sizes) {
        INFO("attribute " << name);
        const hid_t attr = H5Aopen(file, name, H5P_DEFAULT);
        const hid_t type = H5Aget_type(attr);
        CHECK(H5Tis_variable_str(type) == 0);
        CHECK(H5Tget_size(type) == size);
        CHECK(H5Tget_strpad(type) == H5T_STR_NULLPAD);
        CHECK(H5Tget_cset(type) == H5T_CSET_UTF8);
        H5Tclose(type);
        H5Aclose(attr);
    }
    const hid_t dataset = H5Dopen2(file, "strings", H5P_DEFAULT);
    const hid_t type = H5Dget_type(dataset);
    CHECK(H5Tis_variable_str(type) == 0);
    CHECK(H5Tget_size(type) == 11);
    H5Tclose(type);
    H5Dclose(dataset);
    H5Fclose(file);
}

TEST_CASE("a variable-length string is refused before it is read, a fixed-length one of another tool reads", "[io]") {
    TempDir dir;
    const std::string vlen = dir / "vlen.h5";
    write_raw_string_attr(vlen, "format", true);
    CHECK_THROWS_WITH(H5File::open_read(vlen).attr_string("/", "format"),
                      Catch::Equals(vlen + ": attribute 'format' of '/' is a variable-length string; lskd writes "
                                           "fixed-length strings and reads no others (is this a file from another "
                                           "program, or from an older lskd?)"));
    CHECK_THROWS_WITH(H5File::open_read(vlen).attr_strings("/", "format"), Catch::Contains("variable-length"));

    const std::string fixed = dir / "fixed.h5";
    write_raw_string_attr(fixed, "format", false);  // ASCII and NUL-terminated: HDF5's defaults
    CHECK(H5File::open_read(fixed).attr_string("/", "format") == "lskd-run");

    {
        const hid_t file = H5Fopen(vlen.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        const hsize_t n = 2;
        const hid_t space = H5Screate_simple(1, &n, nullptr);
        const hid_t d = H5Dcreate2(file, "names", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const char* data[] = {"a", "b"};
        H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
        H5Dclose(d);
        H5Sclose(space);
        H5Tclose(type);
        H5Fclose(file);
    }
    CHECK_THROWS_WITH(H5File::open_read(vlen).read_strings("names"),
                      Catch::StartsWith(vlen + ": dataset '/names' is a variable-length string"));
}

TEST_CASE("string sizes a damaged file could claim are refused before allocating", "[io]") {
    TempDir dir;
    const std::string path = dir / "huge.h5";
    {
        // Chunked and never written: a tiny file whose dataset claims 2^31 strings of 8 bytes (16 GiB).
        const hid_t file = create_raw_file(path);
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, 8);
        const hsize_t n = hsize_t{1} << 31, chunk = 1024;
        const hid_t space = H5Screate_simple(1, &n, nullptr);
        const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 1, &chunk);
        H5Dclose(H5Dcreate2(file, "names", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Tset_size(type, (std::size_t{1} << 20) + 1);  // one string above the 1 MiB cap
        H5Dclose(H5Dcreate2(file, "wide", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Pclose(dcpl);
        H5Sclose(space);
        H5Tclose(type);
        H5Fclose(file);
    }
    const H5File f = H5File::open_read(path);
    CHECK_THROWS_WITH(f.read_strings("names"),
                      Catch::Equals(path + ": dataset '/names' is too large to read (2147483648 strings of 8 bytes, "
                                           "above lskd's limit of 268435456 bytes)"));
    CHECK_THROWS_WITH(f.read_strings("wide"),
                      Catch::Equals(path + ": dataset '/wide' claims strings of 1048577 bytes, above lskd's limit "
                                           "of 1048576"));
    TempDir out;
    H5File w = H5File::create(out / "w.h5");
    CHECK_THROWS_WITH(w.set_attr("/", "big", std::string((std::size_t{1} << 20) + 1, 'z')),
                      Catch::Contains("has 1048577 bytes, above lskd's limit of 1048576"));
}
