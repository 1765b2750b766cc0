#include "study/sweep_notices.hpp"

#include <fmt/format.h>

#include "distill/mi_probe.hpp"
#include "framework/core/error.hpp"
#include "framework/data/sequence_dataset.hpp"
#include "study/result_layout.hpp"

namespace lskd::study {

void adopt_flat_layout(const std::string& dir, const std::vector<PlannedRun>& plan, bool quiet) {
    std::vector<std::string> names;
    for (const PlannedRun& run : plan) names.push_back(run.name);
    const std::size_t moved = layout::adopt_flat_layout(dir, names);
    if (moved > 0 && !quiet)
        fmt::print(stderr, "{}: moved {} entries of the older flat layout into runs/ and cache/ (docs/results.md)\n",
                   dir, moved);
}

void print_plan(const PlanNotice& n) {
    PlanFacts f;
    f.config = n.config;
    f.plan = n.plan;
    f.complete = n.complete;
    f.parallel = n.parallel;
    f.directory = n.options.output.empty() ? n.config->output : n.options.output;
    f.report = n.options.report;
    EstimateInputs in;
    in.plan = n.plan;
    in.complete = n.complete;
    in.dataset = n.dataset;
    // Every run with mi-every measures MI (the trainer adds the probe itself), beside the sweep's own metrics.
    in.metrics = [extra = n.options.epoch_metrics](const distill::RunConfig& c, const data::Dataset& d) {
        std::map<std::string, distill::EpochMetric> metrics = distill::mi_epoch_metrics(c, d);
        if (extra) metrics.merge(extra(c, d));
        return metrics;
    };
    in.parallel = n.parallel;
    in.child_jobs = n.child_jobs;
    in.teacher_analyses = !n.options.report.empty();
    // The calibration times classification steps on image data; a sequence sweep's costs are not modelled.
    if (data::is_sequence_dataset(n.config->teacher.dataset)) {
        f.no_estimate = "no estimate: sequence runs are not calibrated (their epochs' times are in each run)";
        fmt::print(stderr, "{}", plan_text(f));
        return;
    }
    try {
        f.estimate = estimate_sweep(in);
    } catch (const Error& e) {
        f.no_estimate = fmt::format("no estimate: the calibration failed ({})", e.what());
    }
    fmt::print(stderr, "{}", plan_text(f));
}

}  // namespace lskd::study
