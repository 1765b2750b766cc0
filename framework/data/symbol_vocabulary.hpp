// A Vocabulary of whitespace-separated symbols (kind "symbol"), for phone sequences such as the CMU dictionary's:
// built from the training texts, ids after the specials in byte order of the symbols. Encoding splits at any run
// of ASCII whitespace; decoding joins with single spaces and writes an unknown symbol as "<unk>". serialize()
// writes one symbol a line.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "framework/data/token_table.hpp"
#include "framework/data/vocabulary.hpp"

namespace lskd::data {

class SymbolVocabulary final : public Vocabulary {
public:
    static SymbolVocabulary build(std::span<const std::string> texts);
    // What serialize() wrote; an Error naming the line for anything else.
    static SymbolVocabulary deserialize(std::string_view serialized);

    std::string kind() const override { return "symbol"; }
    std::int32_t size() const override { return table_.size(); }
    std::vector<std::int32_t> encode(const std::string& text) const override;
    std::string decode(std::span<const std::int32_t> ids) const override;
    std::string token(std::int32_t id) const override;
    std::string serialize() const override;

private:
    explicit SymbolVocabulary(TokenTable table) : table_(std::move(table)) {}
    TokenTable table_;
};

}  // namespace lskd::data
