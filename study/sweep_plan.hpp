// Expands a sweep config into its runs, in training order (teachers, students, baselines), each with a
// deterministic run directory name in the output directory and the full RunConfig it is trained with. A baseline
// equal to a teacher (same model, recipe, α and seed) is that teacher's run, not a second one.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "study/sweep_config.hpp"

namespace lskd::study {

enum class RunRole { teacher, student, baseline };
const char* role_name(RunRole role);

struct PlannedRun {
    RunRole role = RunRole::teacher;
    std::string name;                    // run directory: teacher_mlp-1200_a0.1_s1, baseline_mlp-800_a0.3_s1,
                                         // student_mlp-800_from-a0_T4_muller_s1, from an external teacher
                                         // student_mlp-800_from-<logits file stem>_T4_muller_s1
    distill::RunConfig config;           // output = <dir>/runs/<name>; a student's teacher = its teacher's output
    std::optional<std::size_t> teacher;  // a student's teacher, as a position in the plan
    std::string teacher_logits;          // or its external teacher's logits file (config.teacher stays empty)
    // A teacher whose config is a planned baseline's (the students' model and recipe, with no teacher): that
    // baseline would train the same run again, so it is not planned and this run's row stands for it too.
    bool doubles_as_baseline = false;
};

// Every run, validated (config ranges, known models, no recipe key set where it has no effect on that run, each
// student's teacher α among the teachers', an external
// teacher's logits file present, no run listed twice) before anything is trained; problems are Errors naming the
// sweep file. The logits file's contents are checked against the data by the sweep, once the data are loaded.
std::vector<PlannedRun> plan_sweep(const SweepConfig& config, const std::string& output_dir);

}  // namespace lskd::study
