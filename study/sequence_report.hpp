// report.md of a sequence study (docs/method.md §15): its setup and time, the teachers' beam scores and token
// calibration per α before and after temperature scaling, the Figure-4 analogue, the sequence claims, the students' and
// baselines' beam scores, the copy baseline of a translation corpus and the teachers' template planes over a token
// triple. A pure function of the tables it is given.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "study/claims_sequences.hpp"
#include "study/report.hpp"
#include "study/sweep_summary.hpp"

namespace lskd::study {

// A finished run of the sweep with the scores of its last epoch's beam decode of the test split.
struct SequenceRunScores {
    SummaryRow run;
    double score = 0, second = 0;  // WER and PER (shares) for G2P, BLEU and chrF (0–100) for translation
};

// One teacher's template plane over the study's token triple, or why there is none.
struct SequencePlane {
    std::string file;
    double alpha = 0;
    std::uint64_t seed = 0;
    double scatter_train = 0, scatter_val = 0;  // within/between scatter of the projected tokens
    std::string error;                          // non-empty: the analysis failed, and why
};

struct SequenceReport {
    StudySetup setup;
    bool g2p = true;  // scores are WER/PER, else BLEU/chrF
    std::vector<SequenceRunScores> runs;
    std::vector<SequenceTeacherRow> teachers;  // with their decoding analyses
    std::vector<Claim> claims;
    std::string figure;  // Figure 4's analogue, relative to the study directory; empty: none
    std::string triple;  // the token triple of the planes
    std::vector<SequencePlane> planes;
    double decoding_seconds = 0;  // of this invocation's decoding analyses (part of setup.analysis_seconds)
    std::optional<std::pair<double, double>> copy_baseline;  // translation: BLEU, chrF of the sources as output
};

std::string render_sequence_report(const SequenceReport& report);

}  // namespace lskd::study
