// The sequence claims of issue 23 (docs/method.md §13 "Sequence claims"): G1–G5 about α = 0 and label-smoothed
// Transformer teachers (NLL, beam-search score, token ECE, temperature scaling, the temperature sweep) and S-seq
// about their word-level KD students, each decided by the §13 rule over seeds, paired by seed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "study/claims.hpp"
#include "study/decoding_analysis.hpp"

namespace lskd::study {

struct SequenceTeacherRow {
    double alpha = 0;
    std::uint64_t seed = 0;
    std::string run;
    DecodingAnalysis decoding;
    double test_nll = 0, test_ece = 0;  // the run's last epoch: test tokens at T = 1
};

struct SequenceStudentRow {
    double teacher_alpha = 0;  // NaN for a baseline
    double temperature = 0;    // NaN for a baseline
    std::uint64_t seed = 0;
    std::string run;
    double score = 0, second = 0;  // the beam decode's wer/per or bleu/chrf at T = 1
    bool baseline = false;
    double alpha = 0;  // the student's own label smoothing
};

// G1–G5 and S-seq, in that order. Teachers are compared at α = 0 and the smallest α > 0 of the rows.
std::vector<Claim> sequence_claims(const std::vector<SequenceTeacherRow>& teachers,
                                   const std::vector<SequenceStudentRow>& students);

}  // namespace lskd::study
