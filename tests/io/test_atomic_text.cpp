#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/io/atomic_text.hpp"
#include "tests/io/io_test_support.hpp"

using namespace lskd;
using lskd::io::testing::ChildResult;
using lskd::io::testing::read_bytes;
using lskd::io::testing::TempDir;
using lskd::io::testing::with_file_size_limit;
using lskd::io::testing::write_bytes;

TEST_CASE("write_text_atomic creates or replaces a text file whole and leaves no temporary", "[io]") {
    TempDir dir;
    const std::string path = dir / "summary.csv";
    io::write_text_atomic(path, "a,b\n1,2\n");
    CHECK(read_bytes(path) == "a,b\n1,2\n");
    io::write_text_atomic(path, "c\n");
    CHECK(read_bytes(path) == "c\n");
    io::write_text_atomic(path, "");
    CHECK(read_bytes(path).empty());
    CHECK(dir.entries() == std::vector<std::string>{"summary.csv"});
}

TEST_CASE("write_text_atomic into a missing directory names the path the user gave", "[io]") {
    TempDir dir;
    const std::string path = dir / "missing/report.md";
    CHECK_THROWS_WITH(io::write_text_atomic(path, "x"), Catch::StartsWith(path + ": cannot create"));
}

TEST_CASE("a full disk while writing text keeps the old file, names the output and removes the temporary", "[io]") {
    TempDir dir;
    const std::string path = dir / "report.md";
    write_bytes(path, "old report\n");
    const ChildResult r = with_file_size_limit(4096, [&] { io::write_text_atomic(path, std::string(64 * 1024, 'x')); });
    INFO(r.message);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.message, Catch::StartsWith(path + ": cannot write") && Catch::Contains("File too large"));
    CHECK(read_bytes(path) == "old report\n");
    CHECK(dir.entries() == std::vector<std::string>{"report.md"});
}
