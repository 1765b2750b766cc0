// The sweep's time estimate, measured: each kind of run it has left (one model with its recipe, batch size and
// thread count on its data) trains one short epoch through the trainer itself, on slices of its real data, into a
// temporary directory, and its epoch metrics (the MI probes) are called once on the whole data; the costs then
// scale to every run left (sweep_estimate.hpp). A few seconds in all.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "distill/trainer.hpp"
#include "study/sweep_estimate.hpp"

namespace lskd::study {

// The threads of one of `jobs` runs at once: the recipe's, or the machine's share when it leaves them at 0.
int threads_per_job(int configured, int jobs);

using EpochMetricsFactory =
    std::function<std::map<std::string, distill::EpochMetric>(const distill::RunConfig&, const data::Dataset&)>;

// The costs of runs like `config` (its thread count already the one it will train with) on `dataset`; the time to
// load the data set only with `time_loading` (it loads it again).
RunCost calibrate_run(const distill::RunConfig& config, const data::Dataset& dataset,
                      const EpochMetricsFactory& metrics, bool time_loading);

struct EstimateInputs {
    const std::vector<PlannedRun>* plan = nullptr;
    std::vector<bool> complete;  // per run of the plan
    // The data of a run as the sweep loaded them (every run left has them), or nullptr.
    std::function<const data::Dataset*(const distill::RunConfig&)> dataset;
    EpochMetricsFactory metrics;  // may be empty
    int parallel = 1;
    bool child_jobs = false;        // runs at once as child processes, which share the cores (threads_per_job)
    bool teacher_analyses = false;  // lskd study: the analyses of every teacher follow the runs
};
// Calibrates each kind of run left once and adds up every run left; with nothing left, an empty estimate.
SweepEstimate estimate_sweep(const EstimateInputs& inputs);

}  // namespace lskd::study
