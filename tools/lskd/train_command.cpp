// lskd train: one run at a chosen label-smoothing strength (or, with --teacher, see lskd distill).
#include <fmt/format.h>

#include "distill/sequence_run.hpp"
#include "distill/trainer.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

Runner add_train_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("train", "train a model with label smoothing alpha and write its run (a directory)");
    struct State {
        ConfigFlags flags;
        RunFlags run;
    };
    auto s = std::make_shared<State>();
    add_config_flags(*cmd, s->flags);
    add_run_flags(*cmd, s->run, "continue the run RUN (a run directory) from its last completed epoch");
    return [s] {
        distill::RunConfig config = resolve_config(s->flags, s->run.resume_path);
        distill::TrainOptions options = train_options(s->run);
        distill::validate(config);
        default_output_to(config, distill::default_output(config), s->run);
        // Before the data are loaded: a second writer of the output stops here, having touched nothing.
        // Of a data-parallel run only rank 0 writes, and so locks.
        std::optional<io::FileLock> lock;
        if (process_world().root()) lock.emplace(distill::claim_output(config, options, {s->flags.config_file}));
        options.output_lock = lock ? &*lock : nullptr;
        const distill::TrainSummary r =
            data::is_sequence_dataset(config.dataset)
                ? distill::train_sequences(config, distill::load_sequence_run_dataset(config), options)
                : distill::train(config, distill::load_run_dataset(config), options);
        if (!process_world().root()) return 0;  // rank 0 reports the run
        if (s->run.json) {
            fmt::print("{}\n", json_line({{"test_acc", r.last.at("test_acc")},
                                          {"test_nll", r.last.at("test_nll")},
                                          {"test_ece", r.last.at("test_ece")},
                                          {"val_acc", r.last.at("val_acc")},
                                          {"train_loss", r.last.at("train_loss")},
                                          {"epochs", static_cast<double>(r.epochs)},
                                          {"seconds", r.seconds}},
                                         {{"output", r.output}}));
        } else {
            fmt::print("test accuracy {:.4f}  nll {:.4f}  ece {:.4f}{}  ({} epochs, {:.1f}s) -> {}\n",
                       r.last.at("test_acc"), r.last.at("test_nll"), r.last.at("test_ece"), decode_scores_text(r.last),
                       r.epochs, r.seconds, r.output);
        }
        return 0;
    };
}

}  // namespace lskd::cli
