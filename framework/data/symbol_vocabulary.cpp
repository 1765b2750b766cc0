#include "framework/data/symbol_vocabulary.hpp"

#include <set>

#include "framework/core/error.hpp"

namespace lskd::data {
namespace {

constexpr std::string_view kWhitespace = " \t\n\v\f\r";

// Calls `symbol` with each whitespace-separated symbol of `text`.
template <typename F>
void for_each_symbol(std::string_view text, F&& symbol) {
    for (std::size_t start = text.find_first_not_of(kWhitespace); start != std::string_view::npos;) {
        const std::size_t end = text.find_first_of(kWhitespace, start);
        symbol(text.substr(start, end == std::string_view::npos ? end : end - start));
        start = text.find_first_not_of(kWhitespace, end);
    }
}

}  // namespace

SymbolVocabulary SymbolVocabulary::build(std::span<const std::string> texts) {
    std::set<std::string> symbols;
    for (const std::string& text : texts) for_each_symbol(text, [&](std::string_view s) { symbols.emplace(s); });
    return SymbolVocabulary(TokenTable::from_set(symbols, "symbol"));
}

SymbolVocabulary SymbolVocabulary::deserialize(std::string_view serialized) {
    std::vector<std::string> tokens;
    for (std::size_t line = 1; !serialized.empty(); ++line) {
        const std::size_t end = serialized.find('\n');
        if (end == std::string_view::npos) fail("symbol vocabulary: line {} does not end in a newline", line);
        const std::string_view symbol = serialized.substr(0, end);
        if (symbol.empty() || symbol.find_first_of(kWhitespace) != std::string_view::npos)
            fail("symbol vocabulary: line {}: expected one symbol without whitespace, found '{}'", line, symbol);
        tokens.emplace_back(symbol);
        serialized.remove_prefix(end + 1);
    }
    return SymbolVocabulary(TokenTable(std::move(tokens), "symbol"));
}

std::vector<std::int32_t> SymbolVocabulary::encode(const std::string& text) const {
    std::vector<std::int32_t> ids;
    for_each_symbol(text, [&](std::string_view s) { ids.push_back(table_.id(s)); });
    return ids;
}

std::string SymbolVocabulary::decode(std::span<const std::int32_t> ids) const {
    std::string text;
    for (std::int32_t id : ids) {
        table_.check(id);
        if (id == kEosId) break;
        if (id == kPadId || id == kBosId) continue;
        if (!text.empty()) text += ' ';
        text += token(id);
    }
    return text;
}

std::string SymbolVocabulary::token(std::int32_t id) const {
    table_.check(id);
    return id < TokenTable::kFirstTokenId ? TokenTable::special_name(id) : table_.token(id);
}

std::string SymbolVocabulary::serialize() const {
    std::string out;
    for (const std::string& s : table_.tokens()) out += s + '\n';
    return out;
}

}  // namespace lskd::data
