// UTF-8 decoding for text read from files: strict (no overlong forms, no surrogates, nothing above U+10FFFF),
// so the metrics see the code points Python would and a bad byte is reported instead of guessed at.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lskd {

// The code points of s, or nullopt if s is not valid UTF-8.
std::optional<std::u32string> decode_utf8(std::string_view s);

// The byte offset of the first invalid sequence, or nullopt if s is valid UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);

inline bool valid_utf8(std::string_view s) { return !first_invalid_utf8(s).has_value(); }

std::string encode_utf8(std::u32string_view s);

}  // namespace lskd
