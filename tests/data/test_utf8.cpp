#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/utf8.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("utf8 code points of valid text", "[data][utf8]") {
    // a, é (2 bytes), € (3 bytes), 𝄞 (4 bytes)
    CHECK(utf8_code_points("a\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E", "t") ==
          std::vector<char32_t>{0x61, 0xE9, 0x20AC, 0x1D11E});
    CHECK(utf8_code_points("", "t").empty());
    CHECK(invalid_utf8_offset("a\xC3\xA9") == std::string_view::npos);
}

TEST_CASE("utf8 rejects malformed sequences", "[data][utf8]") {
    CHECK(invalid_utf8_offset("ab\x80") == 2);            // a lone continuation byte
    CHECK(invalid_utf8_offset("a\xC3") == 1);             // truncated
    CHECK(invalid_utf8_offset("\xC0\xAF") == 0);          // overlong '/'
    CHECK(invalid_utf8_offset("\xE0\x80\xAF") == 0);      // overlong in 3 bytes
    CHECK(invalid_utf8_offset("x\xED\xA0\x80") == 1);     // a surrogate, U+D800
    CHECK(invalid_utf8_offset("\xF4\x90\x80\x80") == 0);  // above U+10FFFF
    CHECK(invalid_utf8_offset("\xFF") == 0);
    CHECK(invalid_utf8_offset("\xC3\x28") == 0);  // a lead byte without its continuation
    CHECK_THAT(error_message([] { utf8_code_points("ok\xFE", "the text"); }),
               Contains("the text") && Contains("invalid UTF-8 at byte 2"));
}

TEST_CASE("utf8 encoding round trips every length", "[data][utf8]") {
    for (char32_t cp : {char32_t{0}, char32_t{0x7F}, char32_t{0x80}, char32_t{0x7FF}, char32_t{0x800}, char32_t{0xD7FF},
                        char32_t{0xE000}, char32_t{0xFFFF}, char32_t{0x10000}, char32_t{0x10FFFF}}) {
        std::string s;
        append_utf8(s, cp);
        CHECK(utf8_code_points(s, "t") == std::vector<char32_t>{cp});
    }
    std::string euro;
    append_utf8(euro, 0x20AC);
    CHECK(euro == "\xE2\x82\xAC");
}
