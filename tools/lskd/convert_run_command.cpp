// lskd convert-run OLD.h5 NEW: a run file of an earlier lskd (lskd-run/2) as a run directory (distill/legacy_run.hpp).
#include <fmt/format.h>

#include "distill/legacy_run.hpp"
#include "tools/lskd/command.hpp"

namespace lskd::cli {

Runner add_convert_run_command(CLI::App& app) {
    auto* cmd =
        app.add_subcommand("convert-run", "convert a run file of an earlier lskd (lskd-run/2) to a run directory");
    struct State {
        std::string old_file, new_dir;
        bool force = false;
    };
    auto s = std::make_shared<State>();
    cmd->add_option("old", s->old_file, "the run file of an earlier lskd (format lskd-run/2); left as it is")
        ->required();
    cmd->add_option("new", s->new_dir, "the run directory to write (a new path)")->required();
    cmd->add_flag("--force", s->force, "replace an existing run directory at NEW (only lskd's files in it)");
    return [s] {
        require_one_process("convert-run");
        const distill::ConvertedRun c = distill::convert_legacy_run(s->old_file, s->new_dir, s->force);
        fmt::print("{} -> {}: checkpoint, {} record file(s), {} output file(s), {} analysis file(s)\n", s->old_file,
                   s->new_dir, c.records, c.outputs, c.analyses);
        return 0;
    };
}

}  // namespace lskd::cli
