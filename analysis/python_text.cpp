#include "analysis/python_text.hpp"

#include <locale.h>
#include <wctype.h>

#include "framework/core/error.hpp"

namespace lskd::analysis {

bool is_python_space(char32_t c) {
    if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20)) return true;
    if (c < 0x85) return false;
    switch (c) {
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000: return true;
        default: return c >= 0x2000 && c <= 0x200A;
    }
}

std::vector<std::u32string> split_python_words(std::u32string_view s) {
    std::vector<std::u32string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_python_space(s[i])) ++i;
        const std::size_t start = i;
        while (i < s.size() && !is_python_space(s[i])) ++i;
        if (i > start) words.emplace_back(s.substr(start, i - start));
    }
    return words;
}

std::u32string_view strip_python_trailing(std::u32string_view s) {
    std::size_t end = s.size();
    while (end > 0 && is_python_space(s[end - 1])) --end;
    return s.substr(0, end);
}

std::u32string python_lower(std::u32string_view s) {
    // A locale object of its own, so the process's global locale is never touched.
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    if (utf8 == locale_t{}) fail("python_lower: the C.UTF-8 locale is not available");
    std::u32string out;
    out.reserve(s.size());
    for (const char32_t c : s) {
        if (c == 0x130) {
            out += U"i\u0307";
            continue;
        }
        out.push_back(static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), utf8)));
    }
    return out;
}

}  // namespace lskd::analysis
