#include "framework/data/vocabulary_factory.hpp"

#include "framework/core/error.hpp"
#include "framework/data/char_vocabulary.hpp"
#include "framework/data/sentencepiece_vocabulary.hpp"
#include "framework/data/symbol_vocabulary.hpp"

namespace lskd::data {

std::unique_ptr<Vocabulary> make_vocabulary(const std::string& kind, const std::string& serialized) {
    if (kind == "char") return std::make_unique<CharVocabulary>(CharVocabulary::deserialize(serialized));
    if (kind == "symbol") return std::make_unique<SymbolVocabulary>(SymbolVocabulary::deserialize(serialized));
    if (kind == "sentencepiece") return std::make_unique<SentencePieceVocabulary>(serialized);
    fail("unknown vocabulary kind '{}' (expected char, symbol or sentencepiece)", kind);
}

}  // namespace lskd::data
