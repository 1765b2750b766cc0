// A subword Vocabulary: a SentencePiece unigram model (Debian's libsentencepiece) trained in memory on one side's
// training sentences, with lskd's special ids 0..3 as its pad, bos, eos and unk pieces. Its serialized form is the
// model proto's bytes, from which it is rebuilt exactly.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "framework/data/vocabulary.hpp"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace lskd::data {

struct SentencePieceOptions {
    int vocab_size = 4000;  // pieces including the 4 special ones; fewer when the sentences do not support as many
};

class SentencePieceVocabulary final : public Vocabulary {
public:
    // Rebuilds the vocabulary from serialize()'s bytes; Error when they are not a model of this kind.
    explicit SentencePieceVocabulary(std::string_view model_proto);
    ~SentencePieceVocabulary() override;

    std::string kind() const override { return "sentencepiece"; }
    std::int32_t size() const override;
    std::vector<std::int32_t> encode(const std::string& text) const override;
    std::string decode(std::span<const std::int32_t> ids) const override;
    std::string token(std::int32_t id) const override;
    std::string serialize() const override { return model_proto_; }

private:
    std::string model_proto_;
    std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

// Trains on `sentences` (the training split's, never the held-out ones) with one thread: the same sentences and
// options give the same model bytes.
std::unique_ptr<SentencePieceVocabulary> train_sentencepiece(std::span<const std::string> sentences,
                                                             const SentencePieceOptions& options = {});

}  // namespace lskd::data
