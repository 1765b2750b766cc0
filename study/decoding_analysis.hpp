// lskd analyze decoding: a finished sequence run's test split scored against the softmax temperature T
// (docs/method.md §15, the paper's Figure 4 analogue): token NLL and ECE of the stored teacher-forced logits / T (no
// model run), and the run's beam search at T scored as its data set is (WER/PER or BLEU/chrF); temperature scaling
// fitted on the validation tokens, with ECE/NLL and the decode at the fitted T. Written to analyses/decoding.h5.
#pragma once
#include <string>
#include <vector>

#include "study/analysis_output.hpp"

namespace lskd::study {

// The Figure-4 grid: T = 0.8, 0.9, …, 1.5.
std::vector<double> default_decoding_temperatures();

struct DecodingPoint {
    double temperature, nll, ece, score, second;  // score = wer or bleu; second = per or chrf
};

struct DecodingAnalysis {
    std::vector<DecodingPoint> sweep;      // the test split at each T of the grid, in the grid's order
    double fitted_temperature = 1;         // TS on the validation tokens
    double ece_before = 0, ece_after = 0;  // test tokens at T = 1 and at the fitted T
    double nll_before = 0, nll_after = 0;
    double score_at_fitted = 0, second_at_fitted = 0;  // beam decode of the test split at the fitted T
    std::string score_name, second_name;               // "wer","per" or "bleu","chrf"
};

// Computes the analysis of the finished sequence run at `run_dir` and writes analyses/decoding.h5 atomically
// (study/analysis_output.hpp; the caller holds the run's lock). A file already there whose grid is `temperatures`
// is read back instead, unless `force`. Every problem (not a sequence run, unfinished, no validation split, a grid
// value not in (0, 100], data that is not the run's) is an Error naming the run before anything is written.
DecodingAnalysis decoding_analysis(const std::string& run_dir, const std::vector<double>& temperatures, bool force);

// The analysis stored at RUN/analyses/decoding.h5; an Error naming the file when it is missing or malformed.
DecodingAnalysis read_decoding_analysis(const std::string& run_dir);

// lskd analyze decoding's table and its --json line.
std::string format_table(const DecodingAnalysis& a);
AnalysisSummary summarize(const DecodingAnalysis& a);

}  // namespace lskd::study
