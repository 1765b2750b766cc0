// The run directory across epochs (docs/run-file.md): a fresh start, a resume from the checkpoint, and each epoch's
// files in the order that keeps the run consistent under a kill: records, then (last epoch) outputs, then the
// checkpoint that makes them part of the run, then metrics.csv. A kill before the checkpoint's rename leaves the
// previous epoch's checkpoint, and the resumed epoch writes the same files again.
#pragma once
#include <cstdint>
#include <functional>

#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "framework/io/background_commits.hpp"
#include "framework/layers/module.hpp"
#include "framework/optim/optimizer.hpp"

namespace lskd::distill {

// The files of the run at `run` that describe no model of its checkpoint at `epochs_done`: outputs and analyses of a
// finished run that a resume trains further, and the records of an epoch a kill stopped before its checkpoint.
void remove_stale_parts(const RunDirectory& run, std::int64_t epochs_done);

// Refuses to resume a run `lskd import` wrote: it has no optimizer state and no epochs.
void check_not_imported(const RunHeader& run, const std::string& path);
// The run at `path` to resume towards `epochs` epochs: an Error when it is complete with as many, or imported.
RunContents read_resumable_run(const std::string& path, std::int64_t epochs);

// The config a resumed run trains with: the stored one, at `path`, with `asked`'s epoch count if larger.
RunConfig resumed_config(const RunContents& run, const RunConfig& asked, const std::string& path);

// What an epoch writes beside its checkpoint, each file once, handing its moves into place to the commits given.
struct EpochFiles {
    std::function<void(io::BackgroundCommits*)> records;  // the epoch's records; empty on epochs without
    std::function<void(io::BackgroundCommits*)> outputs;  // the last epoch's outputs; empty on the others
};

// Writes the files of the epochs_done-th epoch in order (making the run's directory first, so that a run refused or
// stopped before its first epoch leaves nothing): records, outputs, the checkpoint (`contents` with the state of
// `model` and `optimizer`, the model's output rows `templates`, epochs_done and complete = `last`), metrics.csv.
// With `commits`, the previous epoch's files are in place first, this epoch's (metrics.csv aside) move into place in
// the background while the next epoch trains, and the last epoch's are in place on return. Adds the seconds spent
// to contents.write_seconds: the checkpoint holds every write before its own, and its own counts in the next.
void write_epoch_files(const RunDirectory& run, const EpochFiles& files, std::int64_t epochs_done, bool last,
                       RunContents& contents, const nn::Module& model, const Templates& templates,
                       const optim::Optimizer& optimizer, io::BackgroundCommits* commits = nullptr);

}  // namespace lskd::distill
