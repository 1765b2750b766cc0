// lskd analyze calibration: ECE and the reliability diagram of the run's test logits, NLL, and temperature
// scaling fitted on the validation split (docs/method.md §7). Validation logits come from the rebuilt model; the
// test logits are the stored /outputs/test ones, so ECE at T = 1 is the run's own test_ece.
#pragma once
#include <cstdint>
#include <string>

#include "analysis/calibration.hpp"
#include "analysis/temperature_scaling.hpp"
#include "study/analysis_output.hpp"

namespace lskd::study {

struct CalibrationOptions {
    int bins = analysis::kDefaultCalibrationBins;
    std::string data_dir;  // empty: the directory the run used
};

struct CalibrationResult {
    std::string path, model, dataset;
    double smoothing = 0;
    int bins = 0;
    std::string fit_split = "val";
    std::string report_split = "test";
    std::int64_t fit_examples = 0;
    std::int64_t report_examples = 0;
    analysis::TemperatureScaling scaling;  // fit on fit_split, before/after on report_split
};

// Checks everything first (file, stored test outputs, validation split, bins), then computes and writes
// /analysis/calibration; on any Error the run file is unchanged.
CalibrationResult analyze_calibration(const std::string& path, const CalibrationOptions& options = {});

std::string format_table(const CalibrationResult& r);
AnalysisSummary summarize(const CalibrationResult& r);

}  // namespace lskd::study
