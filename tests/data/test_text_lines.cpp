#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "fixtures.hpp"
#include "framework/data/text_lines.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

using Lines = std::vector<std::pair<std::size_t, std::string>>;

Lines lines_of(std::string_view text) {
    Lines lines;
    for_each_line(text_bytes(text), "f.txt", [&](std::size_t n, std::string_view t) { lines.emplace_back(n, t); });
    return lines;
}

}  // namespace

TEST_CASE("text lines split at LF and CRLF", "[data][text_lines]") {
    CHECK(lines_of("a\nbc\r\n\nd") == Lines{{1, "a"}, {2, "bc"}, {3, ""}, {4, "d"}});
    CHECK(lines_of("a\n") == Lines{{1, "a"}});
    CHECK(lines_of("").empty());
    CHECK(lines_of("\xEF\xBB\xBFx\n") == Lines{{1, "x"}});  // the byte order mark is skipped
}

TEST_CASE("text lines reject stray CR and bad bytes", "[data][text_lines]") {
    CHECK_THAT(error_message([] { lines_of("ok\na\rb\n"); }), Contains("f.txt:2:") && Contains("carriage return"));
    CHECK_THAT(error_message([] { lines_of("ok\r\r\n"); }), Contains("f.txt:1:") && Contains("carriage return"));
    CHECK_THAT(error_message([] { lines_of("a\nb\nc\xC3\n"); }), Contains("f.txt:3:") && Contains("invalid UTF-8"));
    CHECK_THAT(error_message([] { lines_of(std::string_view("a\0b", 3)); }), Contains("f.txt:1:") && Contains("NUL"));
}
