// The plan lskd sweep and lskd study print before their first run: the runs by role with their grids, the seeds,
// how many are complete already, how many train at once, about how long the rest takes on this machine and where
// the results go. The time is arithmetic on measured costs (sweep_calibration.hpp), stated with its basis.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "distill/run_config.hpp"
#include "study/sweep_config.hpp"
#include "study/sweep_plan.hpp"

namespace lskd::study {

// Measured costs of one kind of run: one model with its recipe, batch size and thread count on its data.
struct RunCost {
    double step_seconds = 0;          // one training step
    double eval_example_seconds = 0;  // one example through the model in evaluation
    double metric_call_seconds = 0;   // one call of each of the run's epoch metrics (the MI probes), summed
    double setup_seconds = 0;         // once per run: model, optimiser, data pipeline
    double write_seconds = 0;         // once per epoch: the run file written (its records counted as evaluation)
    double load_seconds = 0;          // the run's data set read and split (an analysis reads it again)
};

// The sizes of a run's data.
struct DataSize {
    std::size_t train = 0, val = 0, test = 0;
    int classes = 0;
};

// What one run does, counted from its config and the sizes of its data.
struct RunWork {
    std::int64_t epochs = 0;
    std::int64_t steps = 0;  // epochs × ⌈train / batch⌉
    // (val + test) on each scored epoch (eval-every, and the last), plus record-per-class × classes of each split
    // on each recording epoch (record-every, and the last)
    std::int64_t eval_examples = 0;
    std::int64_t metric_calls = 0;  // with epoch metrics: epoch 0, the early points, every mi-every-th and the last
};
RunWork run_work(const distill::RunConfig& config, const DataSize& data, bool metrics);

// Seconds summed over the runs left, by phase; the runs share `parallel` slots, the analyses follow alone.
struct SweepEstimate {
    double train_seconds = 0, eval_seconds = 0, metric_seconds = 0, file_seconds = 0;
    double analysis_seconds = 0;  // lskd study: the teacher analyses after the runs
    int parallel = 1;
    std::string basis;            // how the costs were measured, for the plan's reader
    double wall_seconds() const;  // (train + eval + metric + file) / parallel + analysis
};
void add_run(SweepEstimate& estimate, const RunWork& work, const RunCost& cost);
// A teacher's analyses in lskd study: the MI analysis reads the data set again and runs the MI probe once; the
// others read what the run stored (outputs and records), which costs little beside it.
void add_teacher_analyses(SweepEstimate& estimate, const RunCost& cost);

// "4m05s", "1h02m".
std::string duration_text(double seconds);

struct PlanFacts {
    const SweepConfig* config = nullptr;
    const std::vector<PlannedRun>* plan = nullptr;
    std::vector<bool> complete;  // per run of the plan
    int parallel = 1;
    std::string directory;
    std::string report;  // lskd study's report.md; empty for lskd sweep
    std::optional<SweepEstimate> estimate;
    std::string no_estimate;  // why there is none (calibration failed or was skipped)
};
// The plan as lines of text, each ending in a newline.
std::string plan_text(const PlanFacts& facts);

}  // namespace lskd::study
