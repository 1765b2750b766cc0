#include "framework/data/utf8.hpp"

#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"

namespace lskd::data {

std::size_t invalid_utf8_offset(std::string_view text) {
    return first_invalid_utf8(text).value_or(std::string_view::npos);
}

std::vector<char32_t> utf8_code_points(std::string_view text, std::string_view what) {
    const std::optional<std::u32string> decoded = decode_utf8(text);
    if (!decoded) fail("{}: invalid UTF-8 at byte {}", what, *first_invalid_utf8(text));
    return {decoded->begin(), decoded->end()};
}

void append_utf8(std::string& out, char32_t cp) { out += encode_utf8(std::u32string_view(&cp, 1)); }

}  // namespace lskd::data
