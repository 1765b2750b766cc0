#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using namespace lskd::io;
using lskd::io::testing::ChildResult;
using lskd::io::testing::read_bytes;
using lskd::io::testing::run_in_child;
using lskd::io::testing::TempDir;
using lskd::io::testing::write_bytes;

namespace {

// A run file in miniature: groups, chunked numbers (compressed, and uncompressed as a run file's parameters are),
// attributes, and (if asked) strings.
void write_sample(const std::string& path, bool strings) {
    H5File f = H5File::create(path);
    f.set_attr("/", "lr", 0.1);
    f.set_attr("/", "epochs", 30);
    std::vector<float> weights(5000);
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<float>(i % 97) * 0.01f;
    f.write("params/fc.weight", weights, {50, 100}, Storage::uncompressed);
    std::vector<float> pattern(512 * 1024);  // two chunks, so the chunk index is a real structure
    for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<float>(i % 7);
    f.write("params/big", pattern, {512, 1024});
    f.write("metrics/loss", std::vector<double>{3.0, 2.0, 1.5});
    f.write("records/train/epoch_1/labels", std::vector<std::int32_t>(300, 4));
    if (strings) {
        f.set_attr("/", "method", "ls");
        f.set_attr("/", "classes", {"a", "b", "c"});
        f.write_strings("names", {"x", "y"});
    }
    f.close();
}

// Opens and reads everything in the sample; throws lskd::Error on any failure.
std::vector<float> read_sample(const std::string& path) {
    H5File f = H5File::open_read(path);
    f.attr_double("/", "lr");
    f.attr_int64("/", "epochs");
    if (f.has_attr("/", "method")) {
        f.attr_string("/", "method");
        f.attr_strings("/", "classes");
        f.read_strings("names");
    }
    for (const std::string& g : f.children("/"))
        if (f.is_group(g)) f.children(g);
    f.read<double>("metrics/loss");
    f.read<std::int32_t>("records/train/epoch_1/labels");
    const Tensor big = f.read_tensor("params/big");
    const Tensor w = f.read_tensor("params/fc.weight");
    std::vector<float> values(w.values().begin(), w.values().end());
    values.insert(values.end(), big.values().begin(), big.values().end());
    return values;
}

}  // namespace

TEST_CASE("a missing file, a directory and an empty file are clear errors", "[io]") {
    TempDir dir;
    const std::string missing = dir / "missing.h5";
    CHECK_THROWS_WITH(H5File::open_read(missing), Catch::Equals(missing + ": cannot open: no such file"));
    CHECK_THROWS_WITH(H5File::open_readwrite(missing), Catch::Equals(missing + ": cannot open: no such file"));
    CHECK_THROWS_WITH(H5File::open_read(dir.path()), Catch::Contains("is a directory, not an HDF5 file"));
    const std::string empty = dir / "empty.h5";
    write_bytes(empty, "");
    CHECK_THROWS_WITH(H5File::open_read(empty), Catch::Equals(empty + ": not an HDF5 file (it is empty)"));
}

TEST_CASE("files that are not HDF5 are named as such", "[io]") {
    TempDir dir;
    const std::string text = dir / "notes.h5";
    write_bytes(text, "epoch,loss\n1,0.5\n2,0.25\n");
    CHECK_THROWS_WITH(H5File::open_read(text), Catch::Equals(text + ": not an HDF5 file"));
    CHECK_THROWS_WITH(H5File::open_readwrite(text), Catch::Equals(text + ": not an HDF5 file"));

    const std::string noise = dir / "noise.h5";
    std::mt19937 rng(42);
    std::string bytes(64 * 1024, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    write_bytes(noise, bytes);
    CHECK_THROWS_WITH(H5File::open_read(noise), Catch::Equals(noise + ": not an HDF5 file"));
}

TEST_CASE("a truncated HDF5 file is an error at every length, never a crash", "[io]") {
    TempDir dir;
    const std::string whole = dir / "whole.h5";
    write_sample(whole, true);
    const std::string bytes = read_bytes(whole);
    REQUIRE(bytes.size() > 4096);
    REQUIRE(read_sample(whole).size() == 5000 + 512 * 1024);

    const std::string cut = dir / "cut.h5";
    std::vector<std::size_t> lengths = {1, 7, 8, 9, 16, 40, 48, 95, 96, 200, 512, 800, 1024};
    for (std::size_t n = 2048; n < bytes.size(); n += bytes.size() / 13) lengths.push_back(n);
    lengths.push_back(bytes.size() - 1);
    for (const std::size_t n : lengths) {
        INFO("truncated to " << n << " of " << bytes.size() << " bytes");
        write_bytes(cut, bytes.substr(0, n));
        CHECK_THROWS_WITH(read_sample(cut), Catch::StartsWith(cut + ": "));
    }
    write_bytes(cut, bytes.substr(0, bytes.size() / 2));
    CHECK_THROWS_WITH(H5File::open_read(cut), Catch::Contains("cannot open HDF5 file: truncated file"));
}

TEST_CASE("damaged bytes inside an HDF5 file give an error or the right data, never a crash", "[io]") {
    // Each damaged copy is read in a child process, so a crash fails this test instead of ending the run.
    // The 1.10 format's metadata checksums and the per-chunk Fletcher-32 are what catch the damage. Strings
    // are in: being fixed-length, they sit in the checksummed object headers and chunks, not in the global
    // heap of variable-length strings, which has no checksum and whose damage crashes libhdf5 1.10 itself.
    TempDir dir;
    const std::string whole = dir / "whole.h5";
    write_sample(whole, true);
    const std::string bytes = read_bytes(whole);
    const std::vector<float> expected = read_sample(whole);
    const std::string damaged = dir / "damaged.h5";
    int errors = 0;
    for (std::size_t offset = 0; offset < bytes.size(); offset += 37) {
        std::string copy = bytes;
        for (std::size_t k = offset; k < std::min(offset + 4, copy.size()); ++k) copy[k] = static_cast<char>(~copy[k]);
        write_bytes(damaged, copy);
        const ChildResult r = run_in_child([&](std::string& message) {
            try {
                return read_sample(damaged) == expected ? 0 : 2;
            } catch (const Error& e) {
                message = e.what();
                return std::string(e.what()).rfind(damaged + ": ", 0) == 0 ? 1 : 3;
            }
        });
        INFO("bytes " << offset << ".." << offset + 3 << " inverted: exit " << r.exit_code << ": " << r.message);
        CHECK((r.exit_code == 0 || r.exit_code == 1));
        errors += r.exit_code == 1;
    }
    CHECK(errors > 0);
}

namespace {

// Where chunk `index` of `dataset` lies in the file and how many bytes it takes, from HDF5's own chunk index.
struct ChunkPlace {
    haddr_t address = 0;
    hsize_t size = 0;
};

ChunkPlace chunk_place(const std::string& path, const std::string& dataset, hsize_t index) {
    ChunkPlace place;
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
    const hid_t space = H5Dget_space(d);
    hsize_t offset[H5S_MAX_RANK];
    unsigned filter_mask = 1;
    REQUIRE(H5Dget_chunk_info(d, space, index, offset, &filter_mask, &place.address, &place.size) >= 0);
    CHECK(filter_mask == 0);  // every filter ran on the chunk, none was skipped
    H5Sclose(space);
    H5Dclose(d);
    H5Fclose(file);
    return place;
}

}  // namespace

TEST_CASE("a damaged chunk fails its read, compressed or not, a zero float turned into a NaN included", "[io]") {
    TempDir dir;
    std::vector<float> values(512 * 1024);  // two chunks of 256 rows
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 1000) * 0.5f;
    values[256 * 1024] = 0.0f;  // the first value of the second chunk
    for (const Storage storage : {Storage::uncompressed, Storage::compressed}) {
        const bool plain = storage == Storage::uncompressed;
        INFO((plain ? "uncompressed" : "compressed"));
        const std::string path = dir / "whole.h5", damaged = dir / "damaged.h5";
        {
            H5File f = H5File::create(path);
            f.write("params/big", values, {512, 1024}, storage);
            f.close();
        }
        const ChunkPlace chunk = chunk_place(path, "/params/big", 1);
        // Uncompressed: a 2-byte zlib header, 5-byte stored-block headers (one per 65535 bytes), the Adler-32, the
        // Fletcher-32: 1 MiB of values in 17 blocks take 1048576 + 2 + 17 * 5 + 4 + 4 bytes.
        if (plain) CHECK(chunk.size == 1048576 + 2 + 17 * 5 + 4 + 4);
        const std::string bytes = read_bytes(path);
        REQUIRE(chunk.address + chunk.size <= bytes.size());
        std::vector<std::pair<std::string, std::string>> damages;  // what was done, the damaged file
        std::string bit = bytes;
        bit[chunk.address + chunk.size / 2] ^= 0x01;
        damages.emplace_back("one bit flipped in the middle of the chunk", bit);
        if (plain) {
            // The zero float right after the headers turned into 0xFFFFFFFF, a NaN: Fletcher-32 sums 16-bit words
            // modulo 65535, to which 0x0000 and 0xFFFF are the same, so only the stream's Adler-32 sees it.
            REQUIRE(bytes.substr(chunk.address + 7, 4) == std::string(4, '\0'));
            std::string nan = bytes;
            nan.replace(chunk.address + 7, 4, 4, '\xFF');
            damages.emplace_back("a zero float turned into a NaN", nan);
        }
        for (const auto& [what, copy] : damages) {
            INFO(what);
            write_bytes(damaged, copy);
            CHECK_THROWS_WITH(H5File::open_read(damaged).read<float>("params/big"),
                              Catch::StartsWith(damaged + ": cannot read dataset '/params/big': "));
        }
        CHECK(H5File::open_read(path).read<float>("params/big").values == values);
    }
}

TEST_CASE("missing datasets and objects name the file and the path", "[io]") {
    TempDir dir;
    const std::string path = dir / "f.h5";
    write_sample(path, true);
    H5File f = H5File::open_read(path);
    CHECK_THROWS_WITH(f.read<float>("/x/y"), Catch::Equals(path + ": no dataset '/x/y'"));
    CHECK_THROWS_WITH(f.read_tensor("params/missing"), Catch::Equals(path + ": no dataset '/params/missing'"));
    CHECK_THROWS_WITH(f.read_strings("params"), Catch::Equals(path + ": '/params' is not a dataset"));
    CHECK_THROWS_WITH(f.read_strings("metrics/loss"),
                      Catch::Equals(path + ": dataset '/metrics/loss' holds floats, not strings"));
    CHECK_THROWS_WITH(f.shape("params/fc.weight/x"), Catch::Equals(path + ": no dataset '/params/fc.weight/x'"));
}

TEST_CASE("creating a file where that is impossible names the path", "[io]") {
    TempDir dir;
    const std::string no_dir = dir / "nope/run.h5";
    CHECK_THROWS_WITH(H5File::create(no_dir),
                      Catch::Equals(no_dir + ": cannot create: directory '" + dir.path() + "/nope' does not exist"));
    const std::string file = dir / "plain";
    write_bytes(file, "x");
    CHECK_THROWS_WITH(H5File::create(file + "/run.h5"), Catch::Contains("is not a directory"));
    CHECK_THROWS_WITH(H5File::create(dir.path()), Catch::StartsWith(dir.path() + ": cannot create"));

    // A read-only directory: root ignores permissions, so the check runs as an unprivileged user.
    const std::string locked = dir / "locked";
    std::filesystem::create_directory(locked);
    ::chmod(locked.c_str(), 0555);
    ::chmod(dir.path().c_str(), 0755);
    const ChildResult r = run_in_child([&](std::string& message) {
        if (::geteuid() == 0 && ::setuid(65534) != 0) return 4;
        try {
            H5File::create(locked + "/run.h5");
        } catch (const Error& e) {
            message = e.what();
            return 0;
        }
        return 1;
    });
    INFO(r.message);
    CHECK(r.exit_code == 0);
    CHECK(r.message == locked + "/run.h5: cannot create: Permission denied");
}

TEST_CASE("an HDF5 failure carries HDF5's own reason", "[io]") {
    TempDir dir;
    const std::string path = dir / "lock.h5";
    H5File writer = H5File::create(path);
    // The same file cannot be created again while it is open.
    CHECK_THROWS_WITH(H5File::create(path),
                      Catch::StartsWith(path + ": cannot create HDF5 file: ") && Catch::Contains("already open"));
}

TEST_CASE("a write that fails on a full disk keeps the dataset it would have replaced", "[io]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    {
        H5File f = H5File::create(path);
        f.write("metrics/loss", std::vector<double>{2.0, 1.0});
        f.close();
    }
    std::mt19937 rng(3);
    std::vector<float> noise(1 << 20);
    for (float& x : noise) x = static_cast<float>(rng()) / 4e9f;
    for (const Storage storage : {Storage::compressed, Storage::uncompressed}) {
        const ChildResult r = run_in_child([&](std::string& message) {
            // A soft limit only, so the disk can be "freed" again before closing.
            std::signal(SIGXFSZ, SIG_IGN);
            rlimit limit{64 * 1024, RLIM_INFINITY};
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 5;
            H5File f = H5File::open_readwrite(path);
            try {
                f.write("metrics/loss", noise, storage);
                return 1;
            } catch (const Error& e) {
                message = e.what();
            }
            limit.rlim_cur = RLIM_INFINITY;
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 6;
            f.close();
            return 0;
        });
        INFO((storage == Storage::compressed ? "compressed" : "uncompressed") << ": " << r.message);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.message, Catch::StartsWith(path + ": cannot write dataset '/metrics/loss': "));
        CHECK(H5File::open_read(path).read<double>("metrics/loss").values == std::vector<double>{2.0, 1.0});
    }
}
