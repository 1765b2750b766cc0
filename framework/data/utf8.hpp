// Strict UTF-8 (framework/core/utf8.hpp: no overlong forms, no surrogates, nothing above U+10FFFF) as the text
// readers and the character vocabulary use it: offsets, code points with errors naming the text, and encoding.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lskd::data {

// The byte offset where the first invalid sequence starts, or std::string_view::npos when `text` is valid.
std::size_t invalid_utf8_offset(std::string_view text);

// The code points of `text`; an Error naming `what` and the byte offset when it is not valid UTF-8.
std::vector<char32_t> utf8_code_points(std::string_view text, std::string_view what);

// Appends the UTF-8 encoding of `cp` (a valid scalar value) to `out`.
void append_utf8(std::string& out, char32_t cp);

}  // namespace lskd::data
