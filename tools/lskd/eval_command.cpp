// lskd eval RUN: rebuilds the model from its run directory's checkpoint and scores a split (accuracy, NLL, ECE). Under
// an MPI launcher the split is shared among the ranks and rank 0 scores and prints what one process would
// (docs/scale.md).
#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "distill/imported_run.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/runtime/threads.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

namespace {

// The splits an image folder must decode: the one scored, or all of them for --write-outputs.
data::SplitsWanted splits_for(const std::string& split, bool all) {
    if (all) return {};
    return {split == "train", split == "val", split == "test"};
}

void check_matches(const std::string& path, const distill::RunContents& run, const data::Dataset& dataset,
                   const data::ImageSet& set) {
    if (dataset.num_classes != run.num_classes)
        fail("{}: the run has {} classes but data set {} has {}", path, run.num_classes, dataset.name,
             dataset.num_classes);
    if (set.height != run.input.height || set.width != run.input.width || set.channels != run.input.channels)
        fail("{}: the run's model takes {} inputs but data set {} gives {}x{}x{} (an image folder's image-size sets "
             "them)",
             path, run.input.str(), dataset.name, set.height, set.width, set.channels);
}

// --write-outputs: the outputs and records an imported run lacks, under the run directory's lock.
void write_outputs(const std::string& path, const distill::RunContents& run, models::Classifier& model,
                   data::Dataset& dataset) {
    const io::FileLock lock =
        io::FileLock::try_lock_directory(distill::RunDirectory(path).dir(), "eval --write-outputs");
    dataset.normalization = run.normalization;
    distill::write_imported_outputs(distill::RunDirectory(path), run, model, dataset);
    fmt::print("{}: wrote the outputs of val and test and the records of epoch 0\n", path);
}

}  // namespace

Runner add_eval_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval", "evaluate a run's model on a split");
    struct State {
        std::string path, split = "test", data_dir;
        int threads = 0;
        bool json = false, write_outputs = false;
    };
    auto s = std::make_shared<State>();
    cmd->add_option("run", s->path, "run directory (written by lskd train or lskd distill)")->required();
    cmd->add_option("--split", s->split, "train, val or test")->check(CLI::IsMember({"train", "val", "test"}));
    cmd->add_option("--data-dir", s->data_dir, "the data set's directory, if not the one the run used");
    cmd->add_option("--threads", s->threads, "threads (0: all)")->check(CLI::Range(0, distill::max_threads()));
    cmd->add_flag("--json", s->json, "print one JSON line");
    cmd->add_flag("--write-outputs", s->write_outputs,
                  "imported runs: also write the val and test outputs and the records the analyses read");
    return [s] {
        runtime::init_threads(s->threads);
        const distill::RunContents run = distill::load_run(s->path);
        distill::RunConfig config = run.config;
        if (!s->data_dir.empty()) config.data_dir = s->data_dir;
        if (s->write_outputs) require_one_process("eval --write-outputs");
        data::Dataset dataset = distill::load_run_dataset(config, splits_for(s->split, s->write_outputs));
        const data::ImageSet& set = s->split == "train" ? dataset.train
                                    : s->split == "val" ? dataset.val
                                                        : dataset.test;
        check_matches(s->path, run, dataset, set);
        auto model = distill::load_model(run);
        if (s->write_outputs) write_outputs(s->path, run, *model, dataset);
        const distill::SplitOutputs outputs = distill::run_model_over_ranks(
            *model, set, run.normalization, distill::kEvalBatch, static_cast<int>(run.num_classes), process_world());
        if (!process_world().root()) return 0;  // rank 0 scores and reports
        const distill::SplitMetrics m = distill::score(outputs);
        if (s->json)
            fmt::print("{}\n", json_line({{"accuracy", m.accuracy},
                                          {"nll", m.nll},
                                          {"ece", m.ece},
                                          {"examples", static_cast<double>(set.size())}},
                                         {{"split", s->split}, {"run", s->path}}));
        else
            fmt::print("{} on {} ({} examples): accuracy {:.4f}  nll {:.4f}  ece {:.4f}\n", s->path, s->split,
                       set.size(), m.accuracy, m.nll, m.ece);
        return 0;
    };
}

}  // namespace lskd::cli
