// Where a study's time went: the phases its runs' checkpoints record (training, evaluation, epoch metrics such as MI,
// setup and writing the files), summed over the runs, and the CPU time of this process and its children.
#pragma once
#include <string>
#include <vector>

#include "study/sweep_summary.hpp"

namespace lskd::study {

struct RunTimes {
    double train_seconds = 0;   // /metrics/train_seconds: the training steps
    double eval_seconds = 0;    // /metrics/eval_seconds: validation and test
    double metric_seconds = 0;  // /metrics/metric_seconds: MI and any other epoch metric
    std::size_t runs = 0;       // runs whose checkpoints record all three
    double setup_seconds = 0;   // checkpoint attribute setup_seconds: from train() to the first epoch
    double write_seconds = 0;   // checkpoint attribute write_seconds: taking records and writing the run's files
    std::size_t io_runs = 0;    // runs whose checkpoints could be read
};

// Sums the phases over the runs of `rows` (paths relative to `dir`), reading only their headers; a run that cannot
// be read adds nothing.
RunTimes sum_run_times(const std::string& dir, const std::vector<SummaryRow>& rows);

// getrusage user + system seconds of this process and of its waited-for children (the sweep's worker processes).
double cpu_seconds();

}  // namespace lskd::study
