// lskd: label smoothing and knowledge distillation, from the command line.
#include <cstdio>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/distributed/launcher.hpp"
#include "tools/lskd/command.hpp"

namespace {

// CLI11 reports an unknown subcommand as a missing one ("A subcommand is required"): name the unknown word instead.
bool report_unknown_subcommand(CLI::App& app) {
    CLI::App* at = &app;
    std::string path = "lskd";
    while (!at->get_subcommands().empty()) {
        at = at->get_subcommands().front();
        path += " " + at->get_name();
    }
    if (at->get_subcommands({}).empty() || at->remaining().empty()) return false;
    fmt::print(stderr, "{}: unknown subcommand '{}'\nRun with --help for more information.\n", path,
               at->remaining().front());
    return true;
}

int run_command(int argc, char** argv) {
    CLI::App app{"lskd: when does label smoothing help? Train teachers and students, record, analyse."};
    app.require_subcommand(1);
    app.set_version_flag("--version", LSKD_VERSION);
    std::map<CLI::App*, lskd::cli::Runner> runners;
    auto add = [&](lskd::cli::Runner r) { runners[app.get_subcommands({}).back()] = std::move(r); };
    add(lskd::cli::add_train_command(app));
    add(lskd::cli::add_eval_command(app));
    add(lskd::cli::add_bench_command(app));
    add(lskd::cli::add_distill_command(app));
    add(lskd::cli::add_sweep_command(app));
    add(lskd::cli::add_analyze_command(app));
    add(lskd::cli::add_study_command(app));
    add(lskd::cli::add_export_command(app));
    add(lskd::cli::add_import_command(app));
    add(lskd::cli::add_convert_run_command(app));
    add(lskd::cli::add_score_command(app));
    // The commands that train take an interrupt at their next consistent point (interrupt.hpp); the others,
    // which write their output in one atomic step, keep the default actions and end at once.
    const std::set<std::string> interruptible{"train", "distill", "sweep", "study"};
    try {
        app.parse(argc, argv);
        for (auto& [cmd, run] : runners) {
            if (!cmd->parsed()) continue;
            if (interruptible.contains(cmd->get_name())) lskd::install_interrupt_handlers();
            return run();
        }
    } catch (const lskd::Interrupted& e) {
        fmt::print(stderr, "lskd: {}\n", e.what());
        return e.exit_code();
    } catch (const CLI::ParseError& e) {
        // Exit status 0 ok (--help and --version included), 1 error, 2 usage: CLI11's own codes are all usage.
        if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && report_unknown_subcommand(app)) return 2;
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const lskd::Error& e) {
        fmt::print(stderr, "lskd: error: {}\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        fmt::print(stderr, "lskd: unexpected error: {}\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // MPI only under a launcher. The World outlives the command, whose errors are printed before finish() ends
    // the job: a failing rank aborts every rank rather than leave them waiting for it (docs/scale.md).
    std::optional<lskd::distributed::World> world;
    try {
        world.emplace(lskd::distributed::detect_launch(), lskd::distributed::ThreadSupport::multiple);
    } catch (const lskd::Error& e) {
        fmt::print(stderr, "lskd: error: {}\n", e.what());
        return 1;
    }
    lskd::cli::set_process_world(&*world);
    const int code = run_command(argc, argv);
    lskd::cli::set_process_world(nullptr);
    return world->finish(code);
}
