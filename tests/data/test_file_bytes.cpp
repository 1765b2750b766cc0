#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/file_bytes.hpp"
#include "tests/io/special_files.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("raw files are read as they are, gzip files are inflated", "[data][file_bytes]") {
    TempDir dir;
    Bytes raw(5000);
    for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i * 7 % 251);
    write_file(dir / "raw.bin", raw);
    write_file(dir / "packed.gz", gzip_bytes(raw));
    CHECK(read_file_bytes(dir / "raw.bin") == raw);
    CHECK(read_file_bytes(dir / "packed.gz") == raw);
}

TEST_CASE("highly compressible data grows past the first allocation", "[data][file_bytes]") {
    TempDir dir;
    const Bytes zeros(3'000'000, 0);  // compresses about 1000:1, beyond the bound on the first allocation
    write_file(dir / "zeros.gz", gzip_bytes(zeros));
    CHECK(read_file_bytes(dir / "zeros.gz") == zeros);
}

TEST_CASE("concatenated gzip members are read as one stream, as gzip itself does", "[data][file_bytes]") {
    const Bytes a{1, 2, 3}, b{4, 5};
    Bytes both = gzip_bytes(a);
    const Bytes second = gzip_bytes(b);
    both.insert(both.end(), second.begin(), second.end());
    CHECK(gunzip(both, "both.gz") == Bytes{1, 2, 3, 4, 5});
}

TEST_CASE("gzip errors name the file and the fault", "[data][file_bytes]") {
    TempDir dir;
    Bytes packed = gzip_bytes(Bytes(1000, 42));

    Bytes trailing = packed;
    trailing.push_back(0x00);
    CHECK_THAT(error_message([&] { gunzip(trailing, "t.gz"); }), Contains("t.gz") && Contains("unexpected bytes"));

    const Bytes cut(packed.begin(), packed.begin() + static_cast<std::ptrdiff_t>(packed.size() / 2));
    CHECK_THAT(error_message([&] { gunzip(cut, "cut.gz"); }), Contains("cut.gz") && Contains("truncated gzip"));

    Bytes flipped = packed;
    flipped[packed.size() - 6] ^= 0x10;  // inside the CRC-32
    CHECK_THAT(error_message([&] { gunzip(flipped, "f.gz"); }), Contains("f.gz") && Contains("corrupt gzip"));

    write_file(dir / "empty.gz", gzip_bytes(Bytes{}));
    CHECK_THAT(error_message([&] { read_file_bytes(dir / "empty.gz"); }), Contains("empty file (after decompression)"));
}

TEST_CASE("missing, directory and empty files are errors naming the path", "[data][file_bytes]") {
    TempDir dir;
    CHECK_THAT(error_message([&] { read_file_bytes(dir / "nope"); }), Contains("nope: no such file"));
    CHECK_THAT(error_message([&] { read_file_bytes(dir.path()); }), Contains("is a directory"));
    write_file(dir / "empty", Bytes{});
    CHECK_THAT(error_message([&] { read_file_bytes(dir / "empty"); }), Contains("empty: empty file"));
}

TEST_CASE("a data file that is a FIFO or a device is named as such, never read", "[data][file_bytes]") {
    TempDir dir;
    const std::string pipe = (dir / "train-images-idx3-ubyte").string();
    REQUIRE(lskd::io::testing::make_fifo(pipe));
    CHECK_THAT(error_message([&] { read_file_bytes(pipe); }),
               Contains(pipe + ": is a named pipe (FIFO), not a data file"));
    const std::string device = (dir / "zero").string();
    if (!lskd::io::testing::make_char_device(device)) {
        WARN("SKIPPED: mknod is not permitted here (needs root); the device case is untested");
        return;
    }
    CHECK_THAT(error_message([&] { read_file_bytes(device); }), Contains(device + ": is a character device"));
}
