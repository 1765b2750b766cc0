// report.md of a study: its setup, the teacher and student tables, the figures, and the claims section.
// A pure function of the tables, so a finished study re-renders it without recomputing anything.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "framework/data/image_folder_dataset.hpp"
#include "study/claims.hpp"
#include "study/run_times.hpp"
#include "study/sweep_summary.hpp"
#include "study/tables.hpp"

namespace lskd::study {

struct StudySetup {
    std::string config;                  // where the sweep config came from (built-in name or file)
    std::vector<std::string> overrides;  // the command line's changes to it ("--set key=value", "--data-dir DIR")
    std::string data_dir;                // the data set's directory; empty: its default
    std::string dataset;
    std::string teacher_model, student_model;
    std::string teacher_recipe, student_recipe;  // effective configs, YAML
    std::string precision;                       // the runs' compute precision (f32, bf16)
    std::vector<std::uint64_t> seeds;
    std::vector<std::uint64_t> design_seeds;  // the seeds the design was chosen on (empty: not stated)
    bool data_per_seed = true;                // each replicate draws its data subset from its seed
    int threads = 0;
    std::string lskd_version;
    double seconds = 0;           // of this invocation
    double cpu_seconds = 0;       // of this invocation, its sweep's worker processes included
    double analysis_seconds = 0;  // of this invocation's teacher analyses and figures
    RunTimes run_times;           // summed over the runs
    std::size_t runs = 0;
    std::optional<data::FolderSummary> folder;   // image folders: what the first teacher's data left out
    std::int64_t mi_examples = 0, mi_views = 0;  // the teachers' MI probe: N and L
    std::string mi_bias_table;                   // the estimator's bias at N and L (analysis/mi_bias.hpp); "": none
};

// The claims as a markdown table: id, statement, source, verdict, deciding numbers, runs.
std::string claims_table(const std::vector<Claim>& claims);

std::string render_report(const StudySetup& setup, const std::vector<TeacherRow>& teachers,
                          const std::vector<study::SummaryRow>& runs, const std::vector<Claim>& claims,
                          const std::vector<std::string>& plots);

}  // namespace lskd::study
