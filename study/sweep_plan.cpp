#include "study/sweep_plan.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "distill/run_precision.hpp"
#include "framework/core/error.hpp"
#include "framework/data/sequence_dataset.hpp"
#include "models/model_registry.hpp"
#include "study/result_layout.hpp"

namespace lskd::study {
namespace {

// A sequence data set trains the table's sequence models, any other its image classifiers.
void check_model(const SweepConfig& c, const std::string& model, const char* role) {
    const auto& names = models::model_names(
        data::is_sequence_dataset(c.student.dataset) ? models::ModelKind::sequence : models::ModelKind::classifier);
    if (std::find(names.begin(), names.end(), model) == names.end())
        fail("{}: unknown {} model '{}' (known: {})", c.source, role, model, fmt::join(names, ", "));
}

// A replicate's seed also draws its data (validation split and subsets), unless the file asks for fixed data or
// the teacher is external, whose logits belong to one data set. A seed beyond int64 is refused by the run's own
// seed check, which names it.
std::int64_t replicate_data_seed(const SweepConfig& c, std::uint64_t seed) {
    const bool per_seed = c.data_subset == "per-seed" && c.teacher_logits.empty();
    return per_seed && seed <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
               ? static_cast<std::int64_t>(seed)
               : -1;
}

PlannedRun make_run(RunRole role, std::string name, distill::RunConfig config, const std::string& dir) {
    config.output = layout::run_path(dir, name);
    // An image folder is decoded once for the whole sweep, unless the config names a cache of its own or streams the
    // folder from its files (image-stream), which keeps no decoded images.
    if (config.dataset == "folder" && config.image_cache.empty() && !config.image_stream)
        config.image_cache = layout::image_cache_dir(dir);
    return {role, std::move(name), std::move(config), std::nullopt, {}};
}

// Whether two runs would train the same thing: equal configs but for where they are written.
bool same_run(distill::RunConfig a, distill::RunConfig b) {
    a.output.clear();
    b.output.clear();
    return distill::to_yaml(a) == distill::to_yaml(b);
}

// A baseline shares the students' model and recipe, not their teacher's loss; one that equals the teacher of its α
// and seed (a sequence study's students are often the teachers' model) is that teacher's run.
void add_baselines(const SweepConfig& c, const std::string& dir,
                   const std::map<std::pair<double, std::uint64_t>, std::size_t>& teacher_of,
                   std::vector<PlannedRun>& plan) {
    const distill::RunConfig defaults;
    for (std::uint64_t seed : c.seeds)
        for (double alpha : c.baseline_alphas) {
            distill::RunConfig b = c.student;
            b.smoothing = alpha;
            b.seed = seed;
            b.data_seed = replicate_data_seed(c, seed);
            b.temperature = defaults.temperature;
            b.beta = defaults.beta;
            b.loss = defaults.loss;
            if (const auto t = teacher_of.find({alpha, seed});
                t != teacher_of.end() && same_run(plan[t->second].config, b)) {
                plan[t->second].doubles_as_baseline = true;
                continue;
            }
            plan.push_back(
                make_run(RunRole::baseline, fmt::format("baseline_{}_a{}_s{}", b.model, alpha, seed), b, dir));
        }
}

// Every run named once, valid as configured, and in a precision this CPU computes.
void check_plan(const SweepConfig& c, const std::vector<PlannedRun>& plan) {
    std::set<std::string> names;
    for (const PlannedRun& run : plan) {
        if (!names.insert(run.name).second) fail("{}: the run {} is listed twice", c.source, run.name);
        try {
            distill::validate(run.config, run.role == RunRole::student);
        } catch (const Error& e) {
            fail("{}: run {}: {}", c.source, run.name, e.what());
        }
        // Refused here, before any run of the sweep starts, on a CPU without bf16 arithmetic.
        distill::run_precision(run.config, fmt::format("{}: run {}", c.source, run.name));
    }
}

}  // namespace

const char* role_name(RunRole role) {
    switch (role) {
        case RunRole::teacher: return "teacher";
        case RunRole::student: return "student";
        case RunRole::baseline: return "baseline";
    }
    return "?";
}

std::vector<PlannedRun> plan_sweep(const SweepConfig& c, const std::string& dir) {
    if (dir.empty()) fail("{}: no output directory (set 'output' or give one on the command line)", c.source);
    const bool external = !c.teacher_logits.empty();
    if (external && !std::filesystem::is_regular_file(c.teacher_logits))
        fail("{}: teacher.logits: {} does not exist or is not a file", c.source, c.teacher_logits);
    // Token-level teacher logits are not stored apart from a run: a sequence student needs its teacher's run.
    if (external && data::is_sequence_dataset(c.student.dataset))
        fail("{}: teacher.logits: data set {} is a sequence one, whose students distil from a teacher run the "
             "sweep trains; give teacher.model and teacher.alphas instead",
             c.source, c.student.dataset);
    if (!external) check_model(c, c.teacher.model, "teacher");
    check_model(c, c.student.model, "student");
    std::vector<PlannedRun> plan;
    std::map<std::pair<double, std::uint64_t>, std::size_t> teacher_of;  // (α, seed) → position

    for (std::uint64_t seed : c.seeds)
        for (double alpha : c.teacher_alphas) {
            const auto special = c.teacher_by_alpha.find(alpha);
            distill::RunConfig t = special != c.teacher_by_alpha.end() ? special->second : c.teacher;
            t.smoothing = alpha;
            t.seed = seed;
            t.data_seed = replicate_data_seed(c, seed);
            teacher_of[{alpha, seed}] = plan.size();
            plan.push_back(make_run(RunRole::teacher, fmt::format("teacher_{}_a{}_s{}", t.model, alpha, seed), t, dir));
        }
    // student_<model>_from-<teacher>_T<T>_<loss>_s<seed>, <teacher> naming its α or its logits file.
    const auto add_student = [&](std::uint64_t seed, double T, const std::string& from) -> PlannedRun& {
        distill::RunConfig s = c.student;
        s.seed = seed;
        s.data_seed = replicate_data_seed(c, seed);
        s.temperature = T;
        const std::string name = fmt::format("student_{}_from-{}_T{}_{}_s{}", s.model, from, T, s.loss, seed);
        plan.push_back(make_run(RunRole::student, name, s, dir));
        return plan.back();
    };
    const std::string logits_stem = std::filesystem::path(c.teacher_logits).stem().string();
    for (std::uint64_t seed : c.seeds)
        for (const DistillPairs& pairs : c.distill) {
            if (external)
                for (double T : pairs.temperatures) add_student(seed, T, logits_stem).teacher_logits = c.teacher_logits;
            for (double teacher_alpha : pairs.teacher_alphas) {
                const auto teacher = teacher_of.find({teacher_alpha, seed});
                if (teacher == teacher_of.end())
                    fail("{}: distill lists teacher-alpha {}, which is not among teacher.alphas", c.source,
                         teacher_alpha);
                for (double T : pairs.temperatures) {
                    PlannedRun& run = add_student(seed, T, fmt::format("a{}", teacher_alpha));
                    run.teacher = teacher->second;
                    run.config.teacher = plan[teacher->second].config.output;
                }
            }
        }
    add_baselines(c, dir, teacher_of, plan);
    check_plan(c, plan);
    return plan;
}

}  // namespace lskd::study
