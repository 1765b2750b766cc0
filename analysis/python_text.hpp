// Python's str.split() and str.rstrip() on code points: the whitespace the reference tools (sacreBLEU) strip and
// split on is Python's (str.isspace), which is wider than ASCII, so the metrics must use the same set to match.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace lskd::analysis {

// True for the 29 code points Python's str.isspace() accepts (Unicode White_Space plus U+001C..U+001F).
bool is_python_space(char32_t c);

// str.split(): the maximal runs of non-space code points.
std::vector<std::u32string> split_python_words(std::u32string_view s);

// str.rstrip(): s without its trailing spaces.
std::u32string_view strip_python_trailing(std::u32string_view s);

// str.lower() (sacreBLEU's -lc): the C library's Unicode lowercase mapping (C.UTF-8) and U+0130 → "i\u0307" as
// Python maps it. Python's contextual final sigma is not applied: a word-final capital sigma becomes σ, not ς.
std::u32string python_lower(std::u32string_view s);

}  // namespace lskd::analysis
