// A Vocabulary of single Unicode code points (kind "char"), for character-level models such as G2P's letters: built
// from the training texts, ids after the specials in code point order. Decoding writes an unknown character as
// U+FFFD. serialize() writes one code point a line in hex ("61" for 'a'), so any character, a newline included,
// survives the round trip.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "framework/data/token_table.hpp"
#include "framework/data/vocabulary.hpp"

namespace lskd::data {

class CharVocabulary final : public Vocabulary {
public:
    // Every code point of `texts` (valid UTF-8, else an Error).
    static CharVocabulary build(std::span<const std::string> texts);
    // What serialize() wrote; an Error naming the line for anything else.
    static CharVocabulary deserialize(std::string_view serialized);

    std::string kind() const override { return "char"; }
    std::int32_t size() const override { return table_.size(); }
    std::vector<std::int32_t> encode(const std::string& text) const override;
    std::string decode(std::span<const std::int32_t> ids) const override;
    // The character itself, or "U+XXXX" for whitespace and control characters, which print as nothing.
    std::string token(std::int32_t id) const override;
    std::string serialize() const override;

private:
    explicit CharVocabulary(TokenTable table) : table_(std::move(table)) {}
    TokenTable table_;
};

}  // namespace lskd::data
