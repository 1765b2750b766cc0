// lskd sweep CONFIG.yaml [--data-dir DIR] [--set KEY=VALUE ...]: teachers × students × seeds plus student baselines
// (configs/README.md), resumable, ending with summary.h5 and summary.csv in the output directory and the table on
// stdout.
#include <filesystem>

#include <fmt/format.h>

#include "study/sweep.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

Runner add_sweep_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("sweep", "train a sweep of teachers, students and baselines from a YAML config");
    struct State {
        std::string config;
        study::SweepOverrides overrides;
        study::SweepOptions options;
        bool json = false;
    };
    auto s = std::make_shared<State>();
    cmd->add_option("config", s->config, "sweep config (YAML)")->required();
    cmd->add_option("--out", s->options.output, "output directory (overrides the config's 'output')");
    cmd->add_option("--jobs", s->options.jobs,
                    "runs at once, as child processes (default: the config's 'parallel'); worth it only with more "
                    "cores than one run uses; not under mpirun, whose ranks share the runs instead")
        ->check(CLI::PositiveNumber);
    add_sweep_override_flags(*cmd, s->overrides);
    cmd->add_flag("--quiet", s->options.quiet, "no progress lines");
    cmd->add_flag("--verbose", s->options.verbose, "also each run's training progress");
    cmd->add_flag("--json", s->json, "print one final JSON summary line instead of the table");
    return [s] {
        const study::SweepConfig config = study::load_sweep_config(s->config, s->overrides);
        s->options.executable = std::filesystem::read_symlink("/proc/self/exe").string();
        s->options.world = &process_world();
        const study::SweepResult r = study::run_sweep(config, s->options);
        if (!process_world().root()) return 0;  // rank 0 reports the whole sweep
        if (s->json) {
            fmt::print("{}\n", json_line({{"runs", static_cast<double>(r.total)},
                                          {"trained", static_cast<double>(r.trained)},
                                          {"skipped", static_cast<double>(r.skipped)},
                                          {"seconds", r.seconds}},
                                         {{"directory", r.directory}}));
        } else {
            fmt::print("{}", study::format_summary(r.rows));
            fmt::print("{} runs ({} trained, {} already complete) in {:.1f}s -> {}/summary.{{h5,csv}}\n", r.total,
                       r.trained, r.skipped, r.seconds, r.directory);
        }
        return 0;
    };
}

}  // namespace lskd::cli
