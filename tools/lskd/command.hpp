// The lskd command line: each subcommand registers itself on the CLI11 app and returns the function that
// runs it after parsing. Errors are lskd::Error, printed by main as one line with a non-zero exit.
#pragma once
#include <functional>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "distill/run_config.hpp"
#include "distill/trainer.hpp"
#include "framework/distributed/world.hpp"
#include "study/sweep_config.hpp"

namespace lskd::cli {

using Runner = std::function<int()>;

// The MPI job of this process, made by main() before any command runs (framework/distributed/world.hpp); without
// main() (a test calling a command) or a launcher, a world of one rank that never touches MPI.
const distributed::World& process_world();
void set_process_world(const distributed::World* world);
// Commands that run in one process (analyze, export, bench) call this first: under a launcher with more than one
// rank, rank 0 prints that `command` runs in one process and every rank exits with the usage status 2, together
// (World::exit_together). One rank (`mpirun -n 1`) runs as without a launcher.
void require_one_process(const std::string& command);

Runner add_train_command(CLI::App& app);
Runner add_eval_command(CLI::App& app);
Runner add_bench_command(CLI::App& app);
Runner add_distill_command(CLI::App& app);
Runner add_sweep_command(CLI::App& app);
Runner add_analyze_command(CLI::App& app);
Runner add_study_command(CLI::App& app);
Runner add_export_command(CLI::App& app);
Runner add_import_command(CLI::App& app);
Runner add_convert_run_command(CLI::App& app);
Runner add_score_command(CLI::App& app);

// Adds one --<key> flag per config field; apply_config_flags copies the given ones over the config.
struct ConfigFlags {
    std::map<std::string, std::string> values;
    std::string config_file;
};
void add_config_flags(CLI::App& cmd, ConfigFlags& flags);
// Defaults, then the YAML file (if any), then the flags; or, with a resume path, the run's own config (its header)
// with that output, where --epochs may extend it and any other flag or config key that differs is an Error
// naming it and both values.
distill::RunConfig resolve_config(const ConfigFlags& flags, const std::string& resume_path);

// The flags lskd train and lskd distill share besides the config's (--resume RUN, --force, --json, --quiet),
// and the TrainOptions they give, on this process's MPI world.
struct RunFlags {
    std::string resume_path;
    bool force = false, json = false, quiet = false;
};
void add_run_flags(CLI::App& cmd, RunFlags& flags, const std::string& resume_help);
distill::TrainOptions train_options(const RunFlags& flags);
// Without --output (nor `output:` in --config) the run is written to `name` in the working directory; rank 0 says
// so on stderr before anything is loaded, unless --quiet.
void default_output_to(distill::RunConfig& config, const std::string& name, const RunFlags& flags);

// lskd sweep's and lskd study's --data-dir DIR and repeatable --set key.path=value, changes to the sweep config
// (study/sweep_config.hpp).
void add_sweep_override_flags(CLI::App& cmd, study::SweepOverrides& overrides);

// A sequence run's decode scores for its summary line ("  wer 0.2310 per 0.0561", "  bleu 21.30 chrf 45.10"), or ""
// for a classifier's metrics.
std::string decode_scores_text(const std::map<std::string, double>& last);

// One line of JSON from name → number or string pairs (strings are quoted and escaped).
std::string json_line(const std::map<std::string, double>& numbers, const std::map<std::string, std::string>& strings);

}  // namespace lskd::cli
