// What a run learns and how it is scored, apart from the trainer that runs it (distill/training_loop.hpp), so that
// one trainer and one sweep serve every kind of model. A task owns its batches, its loss, its evaluation outputs and
// its records; the trainer owns the parameters, the optimizer, the epochs, the ranks and the run directory.
//
// Classification (distill/classification_task.hpp) is today's task. A sequence task will implement the same calls
// with its own: batches of token tensors [n, L] padded to a length, whose rows keep_shard takes as it takes images;
// a loss of token cross-entropy that ignores padding, a mean over tokens with StepLoss::count the tokens (not the
// sequences) and StepLoss::correct the tokens predicted; evaluation outputs of its own (per-token log-likelihoods,
// not [N, K] logits) scored into metric names of its own; and records of its own choosing. Nothing here assumes
// images, labels or [N, K] logits.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "distill/run_directory.hpp"
#include "framework/autograd/variable.hpp"
#include "framework/distributed/batch_split.hpp"
#include "framework/io/background_commits.hpp"

namespace lskd::distill {

// What the loss measured on the examples of one step (this rank's, in a data-parallel run).
struct StepLoss {
    Variable objective;        // differentiate this
    double reported = 0;       // the task's loss, a mean over `count` units
    std::int64_t count = 0;    // the units it is a mean over: examples, or a sequence task's tokens
    std::int64_t correct = 0;  // the units predicted right
};

// An epoch's scores by metric name (stored as /metrics/<name>): the same names every epoch, NaN where the epoch is
// not scored.
using EpochScores = std::map<std::string, double>;

class Task {
public:
    virtual ~Task() = default;

    // Batches: the same number of global batches every epoch, in an order fixed by the run's seed and the epoch.
    virtual std::int64_t steps_per_epoch() const = 0;
    virtual void begin_epoch(std::int64_t epoch) = 0;
    // Loads the next global batch of the epoch; false at its end.
    virtual bool next_batch() = 0;
    // What the progress line calls an example in its rate: "img" for images, "sent" for sentence pairs.
    virtual const char* example_unit() const = 0;
    // Examples in the global batch loaded.
    virtual std::int64_t batch_examples() const = 0;
    // Trains on the rows `shard` of the global batch only: this rank's part in a data-parallel run.
    virtual void keep_shard(distributed::Shard shard) = 0;
    // Examples the next loss() runs on: the batch's, or the shard's when one was kept.
    virtual std::int64_t step_examples() const = 0;

    // The loss on the step's examples (step_examples() > 0), through the model in training mode, with a graph.
    // Allocates nothing but the graph's bookkeeping once warm (tests/distill/test_training_steady_state.cpp).
    virtual StepLoss loss() = 0;

    // Scores the model after an epoch (in every rank of a data-parallel run: evaluation may be collective); an
    // epoch not `scored` gets NaN. The last epoch's outputs are kept for write_outputs.
    virtual EpochScores evaluate(bool scored, bool last) = 0;
    // The scores as the progress line shows them.
    virtual std::string describe(const EpochScores& scores) const = 0;

    // Files of the run directory, each written once: the activation records after `epoch` epochs, and the outputs
    // kept by evaluate at the last epoch; with `commits`, their moves into place finish in the background.
    virtual void write_records(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) = 0;
    virtual void write_outputs(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) = 0;
};

}  // namespace lskd::distill
