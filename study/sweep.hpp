// lskd sweep: locks its output directory (a second sweep of it stops at once), checks a whole sweep before
// training anything, then trains each teacher once, then every student and baseline, skipping runs whose
// complete files exist and resuming interrupted ones, and rewrites summary.{h5,csv} after every run so that
// an interruption still leaves a consistent table.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "study/sweep_config.hpp"
#include "study/sweep_plan.hpp"
#include "study/sweep_summary.hpp"
#include "distill/trainer.hpp"
#include "framework/io/file_lock.hpp"

namespace lskd::study {

struct SweepOptions {
    std::string output;      // overrides the config's output directory
    // The output directory's lock, when the caller (a study) holds it; run_sweep locks it itself otherwise.
    const io::FileLock* directory_lock = nullptr;
    int jobs = 0;            // runs at once; 0: the config's `parallel`
    std::string executable;  // the lskd binary that runs each job when jobs > 1
    bool quiet = false;      // no progress lines
    bool verbose = false;    // also each run's own training progress (one job at a time only)
    // Called after each run the sweep trained, once the summary includes it (tests interrupt here).
    std::function<void(const PlannedRun&)> after_run;
    // Extra per-epoch measurements of a run (e.g. mutual information), stored as /metrics/<name>. Only runs
    // trained in this process get them: a parallel sweep's jobs record what their lskd command records.
    std::function<std::map<std::string, distill::EpochMetric>(const distill::RunConfig&, const data::Dataset&)> epoch_metrics;
};

struct SweepResult {
    std::string directory;
    std::size_t total = 0, skipped = 0, trained = 0;
    double seconds = 0;
    std::vector<SummaryRow> rows;
};

SweepResult run_sweep(const SweepConfig& config, const SweepOptions& options);

}  // namespace lskd::study
