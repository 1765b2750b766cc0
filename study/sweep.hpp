// lskd sweep: locks its output directory (a second sweep of it stops at once), moves an older flat directory into
// the layout of result_layout.hpp, checks a whole sweep before training anything, prints its plan with an estimate
// of its time (sweep_estimate.hpp), then trains each teacher once, then every student and baseline, skipping runs
// whose complete files exist and resuming interrupted ones, and rewrites summary.{h5,csv} after every run so that
// an interruption still leaves a consistent table. Under an MPI launcher (SweepOptions::world) the ranks share the
// runs instead (docs/scale.md): rank 0 holds the directory and writes the summary once, when every run is done.
// An interrupt stops it before the next run (a parallel sweep stops its running jobs and waits for them) with
// Interrupted saying how many runs are complete; a sweep that fails before its first run removes the
// directory it created, and no summary is written before a run is complete.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "distill/trainer.hpp"
#include "framework/distributed/world.hpp"
#include "framework/io/file_lock.hpp"
#include "study/sweep_config.hpp"
#include "study/sweep_plan.hpp"
#include "study/sweep_summary.hpp"

namespace lskd::study {

struct SweepOptions {
    std::string output;  // overrides the config's output directory
    // The output directory's lock, when the caller (a study) holds it; run_sweep locks it itself otherwise.
    const io::FileLock* directory_lock = nullptr;
    int jobs = 0;  // runs at once; 0: the config's `parallel` (ignored on several MPI ranks)
    // The MPI job: with several ranks each one trains whole runs handed out by rank 0 (work_queue.hpp), and only
    // rank 0 locks the directory, prints progress and writes the summary. nullptr or one rank: this process alone.
    const distributed::World* world = nullptr;
    std::string executable;  // the lskd binary that runs each job when jobs > 1
    bool quiet = false;      // no progress lines, and no plan (nor its calibration) before the first run
    // lskd study's report, named in the plan; its estimate then includes the teacher analyses.
    std::string report;
    bool verbose = false;  // also each run's own training progress (one job at a time only)
    // Called after each run the sweep trained, once the summary includes it (tests interrupt here).
    std::function<void(const PlannedRun&)> after_run;
    // Per-epoch measurements of a run beside mi-every's (which the trainer takes itself), stored as
    // /metrics/<name>. Only runs trained in this process get them: a parallel sweep's jobs run lskd commands.
    std::function<std::map<std::string, distill::EpochMetric>(const distill::RunConfig&, const data::Dataset&)>
        epoch_metrics;
};

struct SweepResult {
    std::string directory;
    std::size_t total = 0, skipped = 0, trained = 0;  // trained: by this rank, on all but rank 0 of an MPI job
    double seconds = 0;
    std::vector<SummaryRow> rows;  // every run on rank 0; on the other ranks of an MPI job, the runs they know complete
};

SweepResult run_sweep(const SweepConfig& config, const SweepOptions& options);

}  // namespace lskd::study
