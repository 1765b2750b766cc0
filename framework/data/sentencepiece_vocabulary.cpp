#include "framework/data/sentencepiece_vocabulary.hpp"

#include <algorithm>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <fmt/format.h>

#include "framework/core/error.hpp"

namespace lskd::data {
namespace {

// The trainer skips longer sentences; with none left, SentencePiece 0.1.97 aborts the process instead of failing.
constexpr std::size_t kMaxSentenceBytes = 4192;

bool trainable(const std::string& s) {
    return s.size() <= kMaxSentenceBytes && s.find_first_not_of(" \t\n\r\v\f") != std::string::npos;
}

class SpanSentences : public sentencepiece::SentenceIterator {
public:
    explicit SpanSentences(std::span<const std::string> sentences) : sentences_(sentences) {}
    bool done() const override { return next_ >= sentences_.size(); }
    void Next() override { ++next_; }
    const std::string& value() const override { return sentences_[next_]; }
    sentencepiece::util::Status status() const override { return {}; }

private:
    std::span<const std::string> sentences_;
    std::size_t next_ = 0;
};

// identity normalization keeps decode(encode(text)) == text for text without runs of spaces; character_coverage 1
// gives every character of the training split a piece; hard_vocab_limit false lets a small split have fewer pieces
// than asked instead of failing.
std::string trainer_args(const SentencePieceOptions& options) {
    return fmt::format(
        "--model_type=unigram --vocab_size={} --num_threads=1 --character_coverage=1.0 "
        "--normalization_rule_name=identity --hard_vocab_limit=false --pad_id={} --bos_id={} --eos_id={} "
        "--unk_id={} --pad_piece=<pad> --bos_piece=<s> --eos_piece=</s> --unk_piece=<unk> --max_sentence_length={} "
        "--minloglevel=2",
        options.vocab_size, kPadId, kBosId, kEosId, kUnkId, kMaxSentenceBytes);
}

}  // namespace

SentencePieceVocabulary::SentencePieceVocabulary(std::string_view model_proto)
    : model_proto_(model_proto), processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
    const auto status = processor_->LoadFromSerializedProto(model_proto_);
    if (!status.ok()) fail("sentencepiece vocabulary: not a SentencePiece model: {}", status.ToString());
    if (processor_->pad_id() != kPadId || processor_->bos_id() != kBosId || processor_->eos_id() != kEosId ||
        processor_->unk_id() != kUnkId)
        fail("sentencepiece vocabulary: the model's special ids (pad {}, bos {}, eos {}, unk {}) are not lskd's 0..3",
             processor_->pad_id(), processor_->bos_id(), processor_->eos_id(), processor_->unk_id());
}

SentencePieceVocabulary::~SentencePieceVocabulary() = default;

std::int32_t SentencePieceVocabulary::size() const { return processor_->GetPieceSize(); }

std::vector<std::int32_t> SentencePieceVocabulary::encode(const std::string& text) const {
    std::vector<int> ids;
    const auto status = processor_->Encode(text, &ids);
    if (!status.ok()) fail("sentencepiece vocabulary: cannot encode '{}': {}", text, status.ToString());
    return {ids.begin(), ids.end()};
}

std::string SentencePieceVocabulary::decode(std::span<const std::int32_t> ids) const {
    std::vector<int> pieces;
    for (const std::int32_t id : ids) {
        if (id == kEosId) break;
        if (id == kPadId || id == kBosId) continue;
        if (id < 0 || id >= size()) fail("sentencepiece vocabulary: id {} is not in [0, {})", id, size());
        pieces.push_back(id);
    }
    std::string text;
    const auto status = processor_->Decode(pieces, &text);
    if (!status.ok()) fail("sentencepiece vocabulary: cannot decode: {}", status.ToString());
    return text;
}

std::string SentencePieceVocabulary::token(std::int32_t id) const {
    if (id < 0 || id >= size()) fail("sentencepiece vocabulary: id {} is not in [0, {})", id, size());
    return processor_->IdToPiece(id);
}

std::unique_ptr<SentencePieceVocabulary> train_sentencepiece(std::span<const std::string> sentences,
                                                             const SentencePieceOptions& options) {
    if (std::none_of(sentences.begin(), sentences.end(), trainable))
        fail("sentencepiece vocabulary: no training sentence has text within {} bytes", kMaxSentenceBytes);
    if (options.vocab_size < 5) fail("sentencepiece vocabulary: vocab size {} is below 5", options.vocab_size);
    SpanSentences iterator(sentences);
    std::string model_proto;
    const auto status = sentencepiece::SentencePieceTrainer::Train(trainer_args(options), &iterator, &model_proto);
    if (!status.ok()) fail("sentencepiece vocabulary: training failed: {}", status.ToString());
    return std::make_unique<SentencePieceVocabulary>(model_proto);
}

}  // namespace lskd::data
