#include "distill/checkpointing.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "distill/metrics_csv.hpp"
#include "framework/core/error.hpp"
#include "framework/io/output_policy.hpp"

namespace lskd::distill {

void remove_stale_parts(const RunDirectory& run, std::int64_t epochs_done) {
    std::error_code ec;
    for (const std::string& dir : {run.outputs_dir(), run.analyses_dir()}) std::filesystem::remove_all(dir, ec);
    for (const char* split : {"train", "val", "test"})
        for (const std::int64_t epoch : run.recorded_epochs(split))
            if (epoch > epochs_done) std::filesystem::remove(run.record(split, epoch), ec);
}

void check_not_imported(const RunHeader& run, const std::string& path) {
    if (!run.imported_from.empty())
        fail("{}: a model imported from {} by lskd import, not a run lskd trained: it has no optimizer state or epochs "
             "to resume; train a new run instead",
             path, run.imported_from);
}

RunContents read_resumable_run(const std::string& path, std::int64_t epochs) {
    RunContents run = load_run(path);
    check_not_imported(run, path);
    if (run.complete && run.epochs_done >= epochs) fail("{}: the run is already complete", path);
    return run;
}

RunConfig resumed_config(const RunContents& run, const RunConfig& asked, const std::string& path) {
    RunConfig config = run.config;
    config.output = path;
    config.epochs = std::max(asked.epochs, config.epochs);
    return config;
}

void write_epoch_files(const RunDirectory& run, const EpochFiles& files, std::int64_t epochs_done, bool last,
                       RunContents& contents, const nn::Module& model, const Templates& templates,
                       const optim::Optimizer& optimizer, io::BackgroundCommits* commits) {
    const auto started = std::chrono::steady_clock::now();
    io::make_output_directory(run.dir());
    // The previous epoch's files are in place before this epoch's start: at most the current epoch is in flight.
    if (commits != nullptr) commits->wait();
    if (files.records) files.records(commits);
    if (files.outputs) files.outputs(commits);
    const auto checkpoint_started = std::chrono::steady_clock::now();
    contents.write_seconds += std::chrono::duration<double>(checkpoint_started - started).count();
    contents.epochs_done = epochs_done;
    contents.complete = last;
    // Views, not copies: the checkpoint is written before the next step changes them.
    contents.params = model.state_view();
    contents.optimizer = optimizer.state_view();
    contents.counters = model.named_counters();
    // The checkpoint last: it is what makes the epoch count (and at the end, the run complete), so a kill between
    // two commits leaves no file behind it that nothing would write again.
    write_metrics_csv(run.dir(), contents.metrics, commits);
    write_checkpoint(run, contents, templates, commits);
    if (last && commits != nullptr) commits->wait();
    contents.write_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - checkpoint_started).count();
}

}  // namespace lskd::distill
