#include "study/sweep_estimate.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace lskd::study {
namespace {

std::int64_t ceil_div(std::size_t n, std::int64_t d) { return (static_cast<std::int64_t>(n) + d - 1) / d; }

// Epochs 1..E that evaluate: those divisible by eval-every, and the last.
std::int64_t scored_epochs(std::int64_t epochs, std::int64_t every) {
    return epochs / every + (epochs % every != 0 ? 1 : 0);
}

// The trainer's calls that measure: epoch 0 and the early points of a fresh run, the epochs divisible by
// mi-every and the last (trainer.hpp, mi_analysis.hpp).
std::int64_t measuring_calls(const distill::RunConfig& c) {
    const std::int64_t every = c.mi_every > 0 ? c.mi_every : c.epochs;
    return 1 + c.mi_early + scored_epochs(c.epochs, every);
}

std::string grid(const std::vector<double>& values) { return fmt::format("{{{}}}", fmt::join(values, ", ")); }

std::string students_text(const SweepConfig& c) {
    std::vector<std::string> parts;
    for (const DistillPairs& p : c.distill) {
        const std::string at = fmt::format("T ∈ {}", grid(p.temperatures));
        if (!c.teacher_logits.empty())
            parts.push_back(fmt::format("from the logits in {} at {}", c.teacher_logits, at));
        if (!p.teacher_alphas.empty())
            parts.push_back(fmt::format("from the α ∈ {} teachers at {}", grid(p.teacher_alphas), at));
    }
    return fmt::format("{}, {} (loss {})", c.student.model, fmt::join(parts, "; "), c.student.loss);
}

std::string estimate_text(const SweepEstimate& e) {
    std::vector<std::string> parts{fmt::format("training {}", duration_text(e.train_seconds / e.parallel)),
                                   fmt::format("evaluation {}", duration_text(e.eval_seconds / e.parallel))};
    if (e.metric_seconds > 0)
        parts.push_back(fmt::format("MI probes {}", duration_text(e.metric_seconds / e.parallel)));
    parts.push_back(fmt::format("run files {}", duration_text(e.file_seconds / e.parallel)));
    if (e.analysis_seconds > 0) parts.push_back(fmt::format("teacher analyses {}", duration_text(e.analysis_seconds)));
    return fmt::format("about {} on this machine ({}); {}", duration_text(e.wall_seconds()), fmt::join(parts, ", "),
                       e.basis);
}

}  // namespace

RunWork run_work(const distill::RunConfig& c, const DataSize& d, bool metrics) {
    RunWork w;
    w.epochs = c.epochs;
    w.steps = c.epochs * ceil_div(d.train, c.batch);
    const std::int64_t splits = d.val > 0 ? 3 : 2;
    const std::int64_t recorded = splits * c.record_per_class * d.classes;
    w.eval_examples = scored_epochs(c.epochs, c.eval_every) * static_cast<std::int64_t>(d.val + d.test) +
                      scored_epochs(c.epochs, c.record_every > 0 ? c.record_every : c.epochs) * recorded;
    w.metric_calls = metrics ? measuring_calls(c) : 0;
    return w;
}

double SweepEstimate::wall_seconds() const {
    return (train_seconds + eval_seconds + metric_seconds + file_seconds) / parallel + analysis_seconds;
}

void add_run(SweepEstimate& e, const RunWork& w, const RunCost& c) {
    e.train_seconds += static_cast<double>(w.steps) * c.step_seconds;
    e.eval_seconds += static_cast<double>(w.eval_examples) * c.eval_example_seconds;
    e.metric_seconds += static_cast<double>(w.metric_calls) * c.metric_call_seconds;
    e.file_seconds += c.setup_seconds + static_cast<double>(w.epochs) * c.write_seconds;
}

void add_teacher_analyses(SweepEstimate& e, const RunCost& c) {
    e.analysis_seconds += c.load_seconds + c.metric_call_seconds;
}

std::string duration_text(double s) {
    const auto total = static_cast<long>(std::lround(s));
    if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, total / 60 % 60);
    return fmt::format("{}m{:02}s", total / 60, total % 60);
}

std::string plan_text(const PlanFacts& f) {
    const SweepConfig& c = *f.config;
    std::map<RunRole, std::size_t> runs, done;
    std::size_t complete = 0;
    for (std::size_t i = 0; i < f.plan->size(); ++i) {
        ++runs[(*f.plan)[i].role];
        if (f.complete[i]) {
            ++done[(*f.plan)[i].role];
            ++complete;
        }
    }
    const auto count = [&](RunRole role) {
        const std::string n = fmt::format("{} run{}", runs[role], runs[role] == 1 ? "" : "s");
        return done[role] > 0 ? fmt::format("{} ({} complete)", n, done[role]) : n;
    };
    std::string s = fmt::format("plan for {} ({}):\n", f.directory, c.source);
    if (runs[RunRole::teacher] > 0)
        s += fmt::format("  teachers:  {}, {} at α ∈ {}\n", count(RunRole::teacher), c.teacher.model,
                         grid(c.teacher_alphas));
    if (runs[RunRole::student] > 0)
        s += fmt::format("  students:  {}, {}\n", count(RunRole::student), students_text(c));
    if (runs[RunRole::baseline] > 0)
        s += fmt::format("  baselines: {}, {} at α ∈ {}, no teacher\n", count(RunRole::baseline), c.student.model,
                         grid(c.baseline_alphas));
    s += fmt::format("  seeds:     {}, each a whole replicate (counted in the runs above)\n",
                     grid(std::vector<double>(c.seeds.begin(), c.seeds.end())));
    s += fmt::format("  runs:      {} in all, {} already complete (the sweep resumes), {} at once\n", f.plan->size(),
                     complete, f.parallel);
    const std::string time = complete == f.plan->size() ? std::string("nothing left to train")
                             : f.estimate               ? estimate_text(*f.estimate)
                                                        : f.no_estimate;
    s += fmt::format("  time:      {}\n", time);
    if (!f.report.empty())
        s += fmt::format("  report:    {}\n", f.report);
    else
        s += fmt::format("  summary:   {}/summary.{{h5,csv}}\n", f.directory);
    return s;
}

}  // namespace lskd::study
