// lskd eval RUN: rebuilds the model from its run directory's checkpoint and scores a split (accuracy, NLL, ECE). Under
// an MPI launcher the split is shared among the ranks and rank 0 scores and prints what one process would
// (docs/scale.md).
#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "distill/run_precision.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "framework/runtime/threads.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

Runner add_eval_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval", "evaluate a run's model on a split");
    struct State {
        std::string path, split = "test", data_dir;
        int threads = 0;
        bool json = false;
    };
    auto s = std::make_shared<State>();
    cmd->add_option("run", s->path, "run directory (written by lskd train or lskd distill)")->required();
    cmd->add_option("--split", s->split, "train, val or test")->check(CLI::IsMember({"train", "val", "test"}));
    cmd->add_option("--data-dir", s->data_dir, "the data set's directory, if not the one the run used");
    cmd->add_option("--threads", s->threads, "threads (0: all)")->check(CLI::Range(0, distill::max_threads()));
    cmd->add_flag("--json", s->json, "print one JSON line");
    return [s] {
        runtime::init_threads(s->threads);
        const distill::RunContents run = distill::load_run(s->path);
        distill::RunConfig config = run.config;
        if (!s->data_dir.empty()) config.data_dir = s->data_dir;
        const data::Dataset dataset = distill::load_run_dataset(config);
        if (dataset.num_classes != run.num_classes)
            fail("{}: the run has {} classes but data set {} has {}", s->path, run.num_classes, dataset.name,
                 dataset.num_classes);
        auto model = distill::load_model(run);
        const ops::PrecisionGuard precision(distill::run_precision(run.config, s->path));
        const data::ImageSet& set = s->split == "train" ? dataset.train
                                    : s->split == "val" ? dataset.val
                                                        : dataset.test;
        const distill::SplitOutputs outputs = distill::run_model_over_ranks(
            *model, set, run.normalization, distill::kEvalBatch, static_cast<int>(run.num_classes), process_world());
        if (!process_world().root()) return 0;  // rank 0 scores and reports
        const distill::SplitMetrics m = distill::score(outputs);
        if (s->json)
            fmt::print("{}\n", json_line({{"accuracy", m.accuracy},
                                          {"nll", m.nll},
                                          {"ece", m.ece},
                                          {"examples", static_cast<double>(set.size())}},
                                         {{"split", s->split}, {"run", s->path}, {"precision", config.precision}}));
        else
            fmt::print("{} on {} ({} examples, {}): accuracy {:.4f}  nll {:.4f}  ece {:.4f}\n", s->path, s->split,
                       set.size(), config.precision, m.accuracy, m.nll, m.ece);
        return 0;
    };
}

}  // namespace lskd::cli
