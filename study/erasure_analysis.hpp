// lskd analyze erasure: Shen et al.'s 1 − S (class-averaged intra-class variance of the softmax vectors) and
// the same spread of the penultimate features, per class and overall, on the recorded train and test
// examples; with the correct-minus-incorrect logit gaps beside Δ(α) (docs/method.md §2, §11.1, §12).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/erasure.hpp"
#include "analysis/logit_gap.hpp"
#include "study/analysis_output.hpp"

namespace lskd::study {

struct SplitErasure {
    std::string split;
    analysis::IntraClassVariance softmax;      // its value is 1 − S
    analysis::IntraClassVariance penultimate;  // same spread of the penultimate activations
    double penultimate_total_variance = 0;     // mean ‖x − x̄‖² over all examples, for a scale-free ratio
    analysis::LogitGapStats gaps;
};

struct ErasureResult {
    std::string path, model, dataset;
    double smoothing = 0;
    std::vector<std::string> class_names;
    std::int64_t epoch = 0;  // of the records used
    double optimal_gap = 0;  // Δ(α), Müller form; +inf for α = 0
    SplitErasure train, test;
};

// epoch 0: the last recorded epoch. Reads the records, computes, and writes analyses/erasure.h5.
ErasureResult analyze_erasure(const std::string& path, std::int64_t epoch = 0);

std::string format_table(const ErasureResult& r);
AnalysisSummary summarize(const ErasureResult& r);

}  // namespace lskd::study
