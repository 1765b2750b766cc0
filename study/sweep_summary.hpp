// The sweep's summary table, one row per finished run, written as summary.h5 (one 1-D dataset per column:
// strings as string datasets, numbers as double, NaN where a column does not apply) and summary.csv (the
// same table, empty cells for NaN), both atomically.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "distill/checkpoint.hpp"
#include "study/sweep_plan.hpp"

namespace lskd::study {

struct SummaryRow {
    std::string role, model;
    double alpha = 0;          // the run's own label smoothing
    double teacher_alpha = 0;  // students only
    double temperature = 0;    // students only
    double beta = 0;           // students only
    std::string loss;          // students only
    std::uint64_t seed = 0;
    double gamma = 0;    // equivalent smoothing: α for teachers and baselines
    double val_acc = 0;  // last epoch, validation split: the split selections look at (docs/method.md §13)
    double test_acc = 0, test_nll = 0, test_ece = 0;
    double test_examples = 0;  // images behind test_acc, for the binomial interval of a one-seed comparison
    std::string file;          // path relative to the sweep directory: runs/<name>
};

SummaryRow summary_row(const PlannedRun& run, const distill::RunHeader& header);

// Writes <dir>/summary.h5 and <dir>/summary.csv.
void write_summary(const std::string& dir, const std::vector<SummaryRow>& rows);

// The table as aligned text, for the terminal.
std::string format_summary(const std::vector<SummaryRow>& rows);

}  // namespace lskd::study
