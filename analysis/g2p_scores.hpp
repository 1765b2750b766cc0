// Word and phone error rates of grapheme-to-phoneme output against one or more reference pronunciations per word
// (a homograph has several). WER: the share of words whose output equals none of its references. PER: the summed
// edit distance to the closest reference of each word over the summed length of those references; when two
// references are equally close, the shorter counts (then the first), which gives the larger, more cautious PER.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace lskd::analysis {

using Pronunciation = std::vector<std::string>;  // phone symbols

struct G2pScores {
    std::int64_t words = 0;
    std::int64_t word_errors = 0;        // words matching no reference
    std::int64_t edits = 0;              // Σ distance to the closest reference
    std::int64_t reference_symbols = 0;  // Σ length of those references
    double wer = 0;                      // word_errors / words
    double per = 0;                      // edits / reference_symbols
};

// hypotheses[i] is the output for word i, references[i] its (non-empty) list of pronunciations.
G2pScores g2p_scores(const std::vector<Pronunciation>& hypotheses,
                     const std::vector<std::vector<Pronunciation>>& references);

}  // namespace lskd::analysis
