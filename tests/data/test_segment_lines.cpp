// Reading one-segment-per-line text files: line ends, a missing final newline, and bytes that are not UTF-8.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/data/segment_lines.hpp"
#include "tests/test_dir.hpp"

using lskd::data::read_utf8_lines;
using lskd::data::utf8_lines;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
    return utf8_lines(std::span<const std::uint8_t>(p, text.size()), "t.txt");
}

std::string error_of(const std::string& text) {
    try {
        lines_of(text);
    } catch (const lskd::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("segment lines split at newlines only", "[data][segment_lines]") {
    CHECK(lines_of("a b\nc\n") == std::vector<std::string>{"a b", "c"});
    CHECK(lines_of("a\n\nb") == std::vector<std::string>{"a", "", "b"});
    CHECK(lines_of("a\r\nb\r\n") == std::vector<std::string>{"a\r", "b\r"});
    CHECK(lines_of("\n") == std::vector<std::string>{""});
    CHECK(lines_of("").empty());
    CHECK(lines_of("caf\u00e9\n") == std::vector<std::string>{"caf\u00e9"});
}

TEST_CASE("segment lines name the bad byte", "[data][segment_lines]") {
    CHECK(error_of("ok\nab\xff\n") == "t.txt: line 2: not UTF-8 (byte 0xff at column 3)");
    CHECK(error_of("\xc3") == "t.txt: line 1: not UTF-8 (byte 0xc3 at column 1)");
    CHECK(error_of("\xed\xa0\x80") != "");  // a surrogate
    CHECK(error_of("\xc0\xaf") != "");      // an overlong '/'
}

TEST_CASE("segment lines from a file", "[data][segment_lines]") {
    const auto dir = std::filesystem::temp_directory_path() / lskd::testing::process_test_dir() / "text_lines";
    std::filesystem::create_directories(dir);
    const auto path = dir / "hyp.txt";
    std::ofstream(path, std::ios::binary) << "one\ntwo";
    CHECK(read_utf8_lines(path) == std::vector<std::string>{"one", "two"});
    CHECK_THROWS_AS(read_utf8_lines(dir / "missing.txt"), lskd::Error);
}
