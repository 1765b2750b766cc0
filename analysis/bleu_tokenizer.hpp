// sacreBLEU's `13a` tokenizer (mteval-v13a.pl as sacreBLEU 2.x implements it in tokenizer_13a.py and
// tokenizer_re.py): the default tokenizer of BLEU. Apostrophes are not split; periods and commas are split off
// unless they sit between digits; a dash is split off after a digit.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace lskd::analysis {

// The tokens of one segment, given as code points (decode UTF-8 first: framework/core/utf8.hpp).
std::vector<std::u32string> tokenize_13a(std::u32string_view line);

// The same on UTF-8 text, tokens joined by single spaces as sacreBLEU returns them; lskd::Error if not UTF-8.
std::string tokenize_13a(std::string_view utf8_line);

}  // namespace lskd::analysis
