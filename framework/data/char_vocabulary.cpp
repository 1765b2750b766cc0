#include "framework/data/char_vocabulary.hpp"

#include <set>

#include "framework/core/error.hpp"
#include "framework/data/utf8.hpp"

namespace lskd::data {
namespace {

constexpr char32_t kReplacementCharacter = 0xFFFD;

std::string utf8_of(char32_t cp) {
    std::string s;
    append_utf8(s, cp);
    return s;
}

bool prints_as_nothing(char32_t cp) { return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0); }

// One line of the serialized form: a hex code point that is a Unicode scalar value.
char32_t parse_code_point(std::string_view hex, std::size_t line) {
    if (hex.empty() || hex.size() > 6 || hex.find_first_not_of("0123456789abcdef") != std::string_view::npos)
        fail("char vocabulary: line {}: expected a code point in lower-case hex, found '{}'", line, hex);
    const auto cp = static_cast<char32_t>(std::stoul(std::string(hex), nullptr, 16));
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        fail("char vocabulary: line {}: {} is not a Unicode scalar value", line, hex);
    return cp;
}

}  // namespace

CharVocabulary CharVocabulary::build(std::span<const std::string> texts) {
    std::set<std::string> chars;
    for (const std::string& text : texts)
        for (char32_t cp : utf8_code_points(text, "char vocabulary: a training text")) chars.insert(utf8_of(cp));
    return CharVocabulary(TokenTable::from_set(chars, "char"));
}

CharVocabulary CharVocabulary::deserialize(std::string_view serialized) {
    std::vector<std::string> tokens;
    for (std::size_t line = 1; !serialized.empty(); ++line) {
        const std::size_t end = serialized.find('\n');
        if (end == std::string_view::npos) fail("char vocabulary: line {} does not end in a newline", line);
        tokens.push_back(utf8_of(parse_code_point(serialized.substr(0, end), line)));
        serialized.remove_prefix(end + 1);
    }
    return CharVocabulary(TokenTable(std::move(tokens), "char"));
}

std::vector<std::int32_t> CharVocabulary::encode(const std::string& text) const {
    std::vector<std::int32_t> ids;
    for (char32_t cp : utf8_code_points(text, "char vocabulary: the text to encode"))
        ids.push_back(table_.id(utf8_of(cp)));
    return ids;
}

std::string CharVocabulary::decode(std::span<const std::int32_t> ids) const {
    std::string text;
    for (std::int32_t id : ids) {
        table_.check(id);
        if (id == kEosId) break;
        if (id == kPadId || id == kBosId) continue;
        text += id == kUnkId ? utf8_of(kReplacementCharacter) : table_.token(id);
    }
    return text;
}

std::string CharVocabulary::token(std::int32_t id) const {
    table_.check(id);
    if (id < TokenTable::kFirstTokenId) return TokenTable::special_name(id);
    const std::string& s = table_.token(id);
    const char32_t cp = utf8_code_points(s, "char vocabulary")[0];
    return prints_as_nothing(cp) ? fmt::format("U+{:04X}", static_cast<std::uint32_t>(cp)) : s;
}

std::string CharVocabulary::serialize() const {
    std::string out;
    for (const std::string& s : table_.tokens())
        out += fmt::format("{:x}\n", static_cast<std::uint32_t>(utf8_code_points(s, "char vocabulary")[0]));
    return out;
}

}  // namespace lskd::data
