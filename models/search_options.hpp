// What greedy and beam search (models/greedy_search.hpp, models/beam_search.hpp) are told: beam width,
// temperature, length normalisation and the length limits, with the rules both apply (fairseq's, see beam_search.hpp).
#pragma once
#include <cstdint>
#include <string>

#include "framework/data/vocabulary.hpp"

namespace lskd::models {

enum class LengthNorm {
    none,     // score = raw
    fairseq,  // score = raw / |Y|^a
    gnmt,     // score = raw / ((5 + |Y|) / 6)^a (Wu et al. 2016)
};

struct SearchOptions {
    std::int32_t beam = 5;     // greedy search ignores it
    float temperature = 1.0f;  // every step scores log_softmax(logits / T)
    LengthNorm length_norm = LengthNorm::fairseq;
    float length_alpha = 1.0f;  // a of the length normalisation
    // At most floor(a·|source| + b) target tokens before EOS; at that length EOS is forced.
    double max_length_a = 0.0;
    std::int64_t max_length_b = 200;
    // EOS is barred until a hypothesis has this many tokens (fairseq's min_len, 1: no empty output), unless the
    // maximum length forces it sooner.
    std::int64_t min_length = 1;
};

// Fails with an lskd Error naming the option that is out of range.
void check_search_options(const SearchOptions& options);
LengthNorm length_norm_from_name(const std::string& name);  // "none", "fairseq" or "gnmt"

// The most target tokens (EOS not counted) a hypothesis of a source of `source_length` tokens may have.
std::int64_t max_target_length(std::int64_t source_length, const SearchOptions& options);

// Which tokens a search may choose as target number `step` (0-based) of a hypothesis allowed `max_length` tokens:
// never PAD or BOS; EOS not before min_length; nothing but EOS at max_length (the forced end wins over min_length).
struct EligibleTokens {
    bool eos_only = false;
    bool eos_barred = false;
    bool allows(std::int32_t token) const {
        if (token == data::kEosId) return !eos_barred;
        return !eos_only && token != data::kPadId && token != data::kBosId;
    }
};
inline EligibleTokens eligible_tokens(std::int64_t step, std::int64_t max_length, const SearchOptions& options) {
    const bool at_end = step >= max_length;
    return {at_end, !at_end && step < options.min_length};
}

// The normalised score of a finished hypothesis of `length` tokens, its EOS counted (as fairseq counts it).
float normalised_score(float raw_score, std::int64_t length, const SearchOptions& options);

}  // namespace lskd::models
