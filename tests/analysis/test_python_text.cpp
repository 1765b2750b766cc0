// Python's whitespace, str.split(), str.rstrip() and str.lower() on code points; the expected values are what
// CPython 3.11 gives for the same strings.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/python_text.hpp"

using namespace lskd::analysis;

TEST_CASE("python whitespace set", "[analysis][python_text]") {
    int count = 0;
    for (char32_t c = 0; c < 0x110000; ++c) count += is_python_space(c) ? 1 : 0;
    CHECK(count == 29);
    for (char32_t c : {U'\t', U'\n', U'\x0b', U'\x0c', U'\r', U'\x1c', U'\x1f', U' ', U'\u0085', U'\u00a0', U'\u1680',
                       U'\u2000', U'\u200a', U'\u2028', U'\u2029', U'\u202f', U'\u205f', U'\u3000'})
        CHECK(is_python_space(c));
    for (char32_t c : {U'a', U'\x1b', U'\u200b', U'\ufeff', U'\u180e', U'\u2060'}) CHECK_FALSE(is_python_space(c));
}

TEST_CASE("python split and rstrip", "[analysis][python_text]") {
    CHECK(split_python_words(U"  a\u00a0b\t\tc\u3000") == std::vector<std::u32string>{U"a", U"b", U"c"});
    CHECK(split_python_words(U" \u2028 ").empty());
    CHECK(strip_python_trailing(U" a b \r\u0085") == U" a b");
    CHECK(strip_python_trailing(U"   ").empty());
}

TEST_CASE("python lower", "[analysis][python_text]") {
    CHECK(python_lower(U"Die GR\u00dc\u00dfE \u1e9e \u00c4\u00d6\u00dc") ==
          U"die gr\u00fc\u00dfe \u00df \u00e4\u00f6\u00fc");
    CHECK(python_lower(U"\u0130stanbul") == U"i\u0307stanbul");
    CHECK(python_lower(U"\u0391\u0392\u0393 \u0416") == U"\u03b1\u03b2\u03b3 \u0436");
}
