// A token vocabulary of one side of a parallel corpus: text ↔ int32 ids. Built on the training split only; its
// bytes are stored in a run so that the run decodes alone. Ids 0..3 are the same special tokens in every kind.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace lskd::data {

inline constexpr std::int32_t kPadId = 0;  // fills a batch row past its end; never a target, never counted
inline constexpr std::int32_t kBosId = 1;  // the decoder's first input; never a target
inline constexpr std::int32_t kEosId = 2;  // the last target of every sequence
inline constexpr std::int32_t kUnkId = 3;  // a symbol the training split did not have

class Vocabulary {
public:
    virtual ~Vocabulary() = default;
    // "char" (UTF-8 code points), "symbol" (whitespace-separated symbols, as CMU phones) or "sentencepiece".
    virtual std::string kind() const = 0;
    // Ids in [0, size()), 4 special ones included.
    virtual std::int32_t size() const = 0;
    // Text → ids without BOS or EOS; unknown symbols become kUnkId.
    virtual std::vector<std::int32_t> encode(const std::string& text) const = 0;
    // Ids → text, stopping at the first EOS and skipping PAD and BOS.
    virtual std::string decode(std::span<const std::int32_t> ids) const = 0;
    // A token's printable form, for records, planes and messages.
    virtual std::string token(std::int32_t id) const = 0;
    // What make_vocabulary (in the implementing file) rebuilds the same vocabulary from.
    virtual std::string serialize() const = 0;
};

}  // namespace lskd::data
