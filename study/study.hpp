// lskd study: the whole protocol in one call. Runs the sweep (resumable, MI recorded during teacher
// training), the four analyses on every teacher, the plots, and writes report.md beside summary.{h5,csv},
// teachers.{h5,csv} and plots/, the run directories being in runs/ (result_layout.hpp). A finished study only
// re-renders its report.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "framework/distributed/world.hpp"
#include "study/report.hpp"
#include "study/sweep.hpp"
#include "study/sweep_config.hpp"

namespace lskd::study {

struct StudyOptions {
    std::string out;         // overrides the config's output directory
    int jobs = 0;            // runs at once (0: the config's `parallel`)
    std::string executable;  // the lskd binary, for parallel runs
    bool quiet = false;
    // An MPI job's ranks share the sweep's runs (sweep.hpp); rank 0 alone holds the directory and writes the
    // analyses, plots and report. nullptr or one rank: this process alone.
    const distributed::World* world = nullptr;
    std::string plot_script;  // the plotting tool; empty: the installed copy, else the source tree's
};

struct StudyResult {
    std::string directory;
    std::string report;       // empty on the ranks of an MPI job other than 0
    std::size_t trained = 0;  // runs trained by this call
    bool analysed = false;    // whether the teacher analyses ran (false: read from teachers.h5)
    double seconds = 0;
};

// The built-in configs: "quick" (the default), "paper", "mnist-paper" and the sequence studies "g2p", "translation"
// and "g2p-full"; anything else is a path to a sweep YAML file.
// `overrides` are the command line's changes to it (sweep_config.hpp).
bool is_builtin_study_config(const std::string& name);
study::SweepConfig study_config(const std::string& name_or_path, const study::SweepOverrides& overrides = {});

// A sweep with an external teacher (teacher.logits) is refused: the study analyses the teachers it trains.
StudyResult run_study(study::SweepConfig config, const std::string& config_label, const StudyOptions& options);

// The parts every study shares (classification here, sequences in sequence_study.hpp): the sweep run under the
// study directory's lock (rank 0 takes it), then `analyse` on rank 0 while the lock is still held.
StudyResult run_locked_sweep(const study::SweepConfig& config, const StudyOptions& options,
                             const std::function<void(const study::SweepResult&, StudyResult&)>& analyse);

// What a report says of the study's setup, its run times summed over the sweep's runs.
StudySetup study_setup(const study::SweepConfig& config, const std::string& config_label,
                       const study::SweepResult& sweep);

double seconds_since(std::chrono::steady_clock::time_point t);

}  // namespace lskd::study
