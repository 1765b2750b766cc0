#include "framework/data/gettext_filters.hpp"

namespace lskd::data {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Letters, digits and every byte of a multi-byte UTF-8 character (an accelerator may mark "_Öffnen").
bool is_word_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

// "&amp;", "&lt;", "&#169;": markup that GTK and GLib messages carry, not an accelerator.
bool starts_entity(std::string_view text, std::size_t amp) {
    std::size_t i = amp + 1;
    if (i < text.size() && text[i] == '#') ++i;
    const std::size_t name = i;
    while (i < text.size() && is_word_byte(text[i]) && static_cast<unsigned char>(text[i]) < 0x80) ++i;
    return i > name && i < text.size() && text[i] == ';';
}

bool is_accelerator(std::string_view text, std::size_t i) {
    if (text[i] != '_' && text[i] != '&') return false;
    if (i + 1 >= text.size() || !is_word_byte(text[i + 1])) return false;
    if (i > 0 && (is_word_byte(text[i - 1]) || text[i - 1] == '_' || text[i - 1] == '&')) return false;
    return text[i] == '_' || !starts_entity(text, i);
}

}  // namespace

std::string clean_message(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (is_accelerator(text, i)) continue;
        const bool blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\v' || text[i] == '\f';
        if (!blank) {
            out.push_back(text[i]);
        } else if (!out.empty() && out.back() != ' ') {
            out.push_back(' ');
        }
    }
    const std::size_t first = out.find_first_not_of(" \n\r");
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of(" \n\r") + 1 - first);
}

int count_words(std::string_view text) {
    int words = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!is_space(text[i]) && (i == 0 || is_space(text[i - 1]))) ++words;
    return words;
}

bool keep_message_pair(std::string_view source, std::string_view target) {
    for (const std::string_view side : {source, target}) {
        if (side.find_first_of("\n\r") != std::string_view::npos) return false;
        const int words = count_words(side);
        if (words < kMinMessageWords || words > kMaxMessageWords) return false;
    }
    return source != target;
}

std::vector<std::pair<std::string, std::string>> entry_pairs(const MoEntry& entry) {
    std::vector<std::pair<std::string, std::string>> pairs;
    pairs.emplace_back(clean_message(entry.source), clean_message(entry.translations.at(0)));
    if (!entry.source_plural.empty() && entry.translations.size() == 2)
        pairs.emplace_back(clean_message(entry.source_plural), clean_message(entry.translations[1]));
    return pairs;
}

}  // namespace lskd::data
