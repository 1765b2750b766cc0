// lskd study [CONFIG] [--out DIR] [--data-dir DIR] [--seeds 4,5,6] [--set KEY=VALUE ...]: the whole study (sweep,
// analyses, plots, report) in one command.
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "study/study.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

Runner add_study_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("study", "run the whole study: sweep, analyses, plots and report.md");
    struct State {
        std::string config = "quick", out;
        study::SweepOverrides overrides;
        std::vector<std::uint64_t> seeds;
        int jobs = 0;
        bool quiet = false;
    };
    auto s = std::make_shared<State>();
    cmd->add_option("config", s->config,
                    "quick (default), paper, mnist-paper, folder, imagenet, g2p, translation, g2p-full, erasure, or a "
                    "sweep YAML file");
    cmd->add_option("--out", s->out, "output directory (default: results/<config> for the built-in configs)");
    cmd->add_option("--jobs", s->jobs, "runs at once as child processes (default: the config's 'parallel')");
    add_sweep_override_flags(*cmd, s->overrides);
    cmd->add_option("--seeds", s->seeds,
                    "rerun the design on these seeds, e.g. 4,5,6 (as --set seeds=[...]); seeds disjoint from the "
                    "config's design-seeds make the report a confirmation run")
        ->delimiter(',');
    cmd->add_flag("--quiet", s->quiet, "no progress output");
    return [s] {
        if (!s->seeds.empty()) s->overrides.sets.push_back(fmt::format("seeds=[{}]", fmt::join(s->seeds, ", ")));
        const bool builtin = study::is_builtin_study_config(s->config);
        study::StudyOptions options;
        options.out = !s->out.empty() ? s->out : builtin ? "results/" + s->config : "";
        options.jobs = s->jobs;
        options.quiet = s->quiet;
        options.executable = std::filesystem::read_symlink("/proc/self/exe").string();
        options.world = &process_world();
        const auto result = study::run_study(study::study_config(s->config, s->overrides), s->config, options);
        if (!process_world().root()) return 0;  // rank 0 wrote and reports the study
        fmt::print("{} runs trained, teacher analyses {}; report: {} ({:.0f} s)\n", result.trained,
                   result.analysed ? "computed" : "reused", result.report, result.seconds);
        return 0;
    };
}

}  // namespace lskd::cli
