// lskd analyze calibration: ECE and the reliability diagram of the run's test logits, NLL, and temperature
// scaling fitted on the validation split (docs/method.md §7). Both splits' logits are the ones the run stored at
// its last epoch (outputs/val.h5, outputs/test.h5): no model is rebuilt and no data set read, and ECE at T = 1 is
// the run's own test_ece.
#pragma once
#include <cstdint>
#include <string>

#include "analysis/calibration.hpp"
#include "analysis/temperature_scaling.hpp"
#include "study/analysis_output.hpp"

namespace lskd::study {

struct CalibrationOptions {
    int bins = analysis::kDefaultCalibrationBins;
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

// Checks everything first (run, stored test and validation outputs, bins), then computes and writes
// analyses/calibration.h5; on any Error the run directory is unchanged.
CalibrationResult analyze_calibration(const std::string& path, const CalibrationOptions& options = {});

std::string format_table(const CalibrationResult& r);
AnalysisSummary summarize(const CalibrationResult& r);

}  // namespace lskd::study
