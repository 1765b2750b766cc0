// The loop of a run: its epochs, each a pass over a task's batches (distill/task.hpp) with one update per batch
// (the task's loss, backward, the gradients averaged over the ranks of a data-parallel run, clipping, the scheduled
// learning rate, the update), and interrupts taken between steps and between epochs, never within a write.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "distill/progress.hpp"
#include "distill/rank_sharding.hpp"
#include "distill/task.hpp"
#include "framework/layers/module.hpp"
#include "framework/optim/lr_schedule.hpp"
#include "framework/optim/optimizer.hpp"

namespace lskd::distill {

// What an epoch's training measured, summed over the ranks.
struct EpochTotals {
    double loss_sum = 0;  // the task's loss times its units, summed over the steps
    std::int64_t seen = 0, correct = 0;
    double seconds = 0;         // training steps only
    double metric_seconds = 0;  // the measurements made within the epoch (EarlyMeasurements)
};

// Measurements within an epoch, timed apart from its steps: before its first step and after each of `steps`.
struct EarlyMeasurements {
    std::vector<std::int64_t> steps;            // ascending, within the epoch
    std::function<void(std::int64_t)> measure;  // called with the steps done; empty: none at all
};

struct LoopParts {
    Task& task;
    nn::Module& model;
    optim::Optimizer& optimizer;
    const optim::Schedule& schedule;
    std::vector<Variable>& params;     // the model's, listed once: clipping runs over them every step
    double clip_norm = 0;              // 0: no clipping
    RankSharding* sharding = nullptr;  // a data-parallel run's; nullptr in one process
    Progress& progress;
};

class TrainingLoop {
public:
    // `path` names the run in the error of a loss that is not finite.
    TrainingLoop(LoopParts parts, std::string path);

    // The epoch-th (0-based) of `epochs`: the model in training mode on each of the task's batches in turn.
    EpochTotals train_epoch(std::int64_t epoch, std::int64_t epochs, const EarlyMeasurements& early);

private:
    // One optimizer step on this rank's examples of the task's current batch.
    void step(std::int64_t epoch, std::int64_t step, EpochTotals& t);

    LoopParts parts_;
    std::string path_;
};

// Runs `epoch(e)` for e in [first, epochs), taking an interrupt before each; an interrupt taken there or within an
// epoch is rethrown saying `kept()`, what the run directory holds.
void run_epochs(std::int64_t first, std::int64_t epochs, const std::function<void(std::int64_t)>& epoch,
                const std::function<std::string()>& kept);

}  // namespace lskd::distill
