// framework/core/utf8: strict decoding (what Python's UTF-8 codec accepts) and encoding back.
#include <string>

#include <catch2/catch.hpp>

#include "framework/core/utf8.hpp"

using namespace lskd;

TEST_CASE("utf8 decodes one to four byte forms", "[tensor][utf8]") {
    const std::string text = "a\u00e9\u20ac\U0001F600";
    const auto decoded = decode_utf8(text);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == U"a\u00e9\u20ac\U0001F600");
    CHECK(encode_utf8(*decoded) == text);
    CHECK(decode_utf8("")->empty());
}

TEST_CASE("utf8 refuses malformed bytes", "[tensor][utf8]") {
    CHECK(first_invalid_utf8("ab\xff") == std::optional<std::size_t>(2));
    CHECK(first_invalid_utf8("\xc3") == std::optional<std::size_t>(0));              // truncated
    CHECK(first_invalid_utf8("x\xc0\xaf") == std::optional<std::size_t>(1));         // overlong '/'
    CHECK(first_invalid_utf8("\xed\xa0\x80") == std::optional<std::size_t>(0));      // surrogate U+D800
    CHECK(first_invalid_utf8("\xf4\x90\x80\x80") == std::optional<std::size_t>(0));  // above U+10FFFF
    CHECK(first_invalid_utf8("\xe2\x82") == std::optional<std::size_t>(0));
    CHECK(first_invalid_utf8("\x80") == std::optional<std::size_t>(0));  // a lone continuation byte
    CHECK_FALSE(decode_utf8("ok\xfe").has_value());
    CHECK(valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF itself
    CHECK_FALSE(valid_utf8("\xff"));
}
