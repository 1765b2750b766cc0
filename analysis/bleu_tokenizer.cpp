#include "analysis/bleu_tokenizer.hpp"

#include "analysis/python_text.hpp"
#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"

namespace lskd::analysis {
namespace {

// Python's str.replace: every non-overlapping occurrence, left to right.
void replace_all(std::u32string& s, std::u32string_view from, std::u32string_view to) {
    std::u32string out;
    std::size_t pos = 0;
    for (std::size_t hit = s.find(from); hit != std::u32string::npos; hit = s.find(from, pos)) {
        out.append(s, pos, hit - pos);
        out.append(to);
        pos = hit + from.size();
    }
    out.append(s, pos);
    s = std::move(out);
}

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_period_or_comma(char32_t c) { return c == U'.' || c == U','; }

// The class [\{-\~\[-\`  -\&\(-\+\:-\@\/] of the first rule: ASCII symbols except ' , - . and digits.
bool is_split_symbol(char32_t c) {
    return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
           (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == U'/';
}

// re.sub of a two-character pattern ([first][second]) over s: each match, leftmost first and not overlapping
// the one before, becomes "a b " (space_before = false) or " a b" (space_before = true).
template <typename First, typename Second>
std::u32string split_pairs(std::u32string_view s, First first, Second second, bool space_before) {
    std::u32string out;
    out.reserve(s.size() + s.size() / 2);
    std::size_t i = 0;
    while (i < s.size()) {
        if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
            if (space_before) out.push_back(U' ');
            out.push_back(s[i]);
            out.push_back(U' ');
            out.push_back(s[i + 1]);
            if (!space_before) out.push_back(U' ');
            i += 2;
        } else {
            out.push_back(s[i++]);
        }
    }
    return out;
}

}  // namespace

std::vector<std::u32string> tokenize_13a(std::u32string_view line_in) {
    std::u32string line(line_in);
    replace_all(line, U"<skipped>", U"");
    replace_all(line, U"-\n", U"");
    replace_all(line, U"\n", U" ");
    if (line.find(U'&') != std::u32string::npos) {
        // In this order, as sacreBLEU: "&amp;lt;" ends as "<".
        replace_all(line, U"&quot;", U"\"");
        replace_all(line, U"&amp;", U"&");
        replace_all(line, U"&lt;", U"<");
        replace_all(line, U"&gt;", U">");
    }
    std::u32string spaced = U" ";
    for (const char32_t c : line) {
        if (is_split_symbol(c)) {
            spaced += U' ';
            spaced += c;
            spaced += U' ';
        } else {
            spaced += c;
        }
    }
    spaced += U' ';
    const auto not_digit = [](char32_t c) { return !is_digit(c); };
    const auto is_dash = [](char32_t c) { return c == U'-'; };
    spaced = split_pairs(spaced, not_digit, is_period_or_comma, false);
    spaced = split_pairs(spaced, is_period_or_comma, not_digit, true);
    spaced = split_pairs(spaced, is_digit, is_dash, false);
    return split_python_words(spaced);
}

std::string tokenize_13a(std::string_view utf8_line) {
    const auto decoded = decode_utf8(utf8_line);
    if (!decoded) fail("tokenize_13a: the segment is not valid UTF-8");
    std::u32string joined;
    for (const auto& token : tokenize_13a(std::u32string_view(*decoded))) {
        if (!joined.empty()) joined += U' ';
        joined += token;
    }
    return encode_utf8(joined);
}

}  // namespace lskd::analysis
