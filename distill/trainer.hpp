// Trains one run (teacher, student or baseline) from a RunConfig: label-smoothed targets or a teacher's
// logits, SGD or AdamW with the configured schedule, per-epoch evaluation, records and the run directory written
// after every epoch, and resumption from its checkpoint. The output is checked and locked first.
// Under an MPI launcher (TrainOptions::world) the run is data-parallel: docs/scale.md.
// train() composes the run's parts, each a unit of its own: the task (distill/task.hpp; classification_task.hpp),
// the loop over epochs and steps (training_loop.hpp), the ranks' share (rank_sharding.hpp), evaluation
// (epoch_evaluation.hpp), records (epoch_records.hpp), the epoch metrics (early_metrics.hpp) and the run
// directory's files per epoch (checkpointing.hpp).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "distill/run_config.hpp"
#include "distill/teacher_source.hpp"
#include "framework/data/dataset.hpp"
#include "framework/distributed/world.hpp"
#include "framework/io/file_lock.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

struct TrainOptions {
    bool resume = false;  // continue the run file at config.output from its last completed epoch
    bool force = false;   // replace an existing run file at the output
    // The output's lock, when the caller took it with claim_output() before loading anything; train()
    // claims the output itself otherwise.
    const io::FileLock* output_lock = nullptr;
    bool quiet = false;  // no progress output
    std::string label;   // prefix of progress lines
    // A data-parallel run over the ranks of an MPI job (docs/scale.md): every rank takes its shard of each global
    // batch of config.batch examples and the gradients are averaged; rank 0 alone locks and writes the run file
    // and prints progress. nullptr or one rank: this process alone.
    const distributed::World* world = nullptr;
};

struct TrainSummary {
    std::map<std::string, double> last;  // the last epoch's metrics
    std::int64_t epochs = 0;
    double seconds = 0;
    std::string output;
};

// Per-epoch measurements, stored as /metrics/<name>: the trainer's own mutual information when config.mi_every > 0
// (distill/mi_probe.hpp, as "mi", "mi_2", ...) and any a caller adds in TrainHooks. Called after an epoch
// with the model in evaluation mode; returning nothing skips the epoch. A fresh run also calls them with epoch 0
// before its first step and at config.mi_early steps spread evenly through the first epoch, stored in
// /early_metrics/<name> beside the fractional epoch of each call.
using EpochMetric = std::function<std::optional<double>(models::Classifier&, const data::Dataset&, std::int64_t epoch)>;

struct TrainHooks {
    TeacherSource* teacher = nullptr;
    std::map<std::string, EpochMetric> epoch_metrics;  // beside mi-every's; one of its names is an Error
};

// The data a config asks for (validation split and subsets included); an image folder decodes only the `wanted`
// splits (the other data sets read them all), and a streamed one (image-stream) none: it only lists them.
data::Dataset load_run_dataset(const RunConfig& config, const data::SplitsWanted& wanted = {});
// The augmentation the run trains with: none without config.augment, else the data set's default with the
// config's shift and hflip overrides.
data::AugmentSpec augment_spec(const RunConfig& config, const data::Dataset& dataset);
// The default output, a run directory: <model>_a<alpha>_s<seed>.
std::string default_output(const RunConfig& config);

// Checks that a run may be written at `config.output` and locks it for this process by lskd's output policy
// (claim_run_directory), failing at once (and creating nothing) when another process writes it. Refused: an output
// that exists and is not a directory (a file, a device, a symbolic link), one that is the same file as the teacher
// or any of `inputs`, an existing run without options.force or options.resume, with --force a directory that is not
// an lskd run, and a new run named like an HDF5 file. Creates the output's missing directories.
io::FileLock claim_output(const RunConfig& config, const TrainOptions& options,
                          const std::vector<std::string>& inputs = {});

// Trains the run, writing its file after every epoch. An interrupt (framework/core/interrupt.hpp) is taken
// between steps and between epochs, never within a write: it throws Interrupted saying which epoch
// the run file holds.
TrainSummary train(RunConfig config, const data::Dataset& dataset, const TrainOptions& options,
                   const TrainHooks& hooks = {});

class RunKind;
// Trains a run of any kind (distill/run_kind.hpp) as train() does a classifier: the output claimed, the run fresh
// or resumed, its epochs written one by one.
TrainSummary train_run(RunConfig config, RunKind& kind, const TrainOptions& options);

}  // namespace lskd::distill
