#include "study/calibration_analysis.hpp"

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/split_outputs_file.hpp"
#include "framework/core/error.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::study {
namespace {

void write_diagram(io::H5File& f, const std::string& group, const analysis::CalibrationReport& c) {
    std::vector<double> lower, upper, accuracy, confidence;
    std::vector<std::int64_t> count;
    for (const analysis::ReliabilityBin& b : c.reliability.bins) {
        lower.push_back(b.lower);
        upper.push_back(b.upper);
        count.push_back(b.count);
        accuracy.push_back(b.accuracy);
        confidence.push_back(b.confidence);
    }
    f.write(group + "/lower", lower);
    f.write(group + "/upper", upper);
    f.write(group + "/count", count);
    f.write(group + "/accuracy", accuracy);
    f.write(group + "/confidence", confidence);
    f.set_attr(group, "temperature", c.temperature);
    f.set_attr(group, "ece", c.ece);
    f.set_attr(group, "nll", c.nll);
    f.set_attr(group, "accuracy", c.accuracy);
    f.set_attr(group, "examples", c.reliability.examples);
}

}  // namespace

CalibrationResult analyze_calibration(const std::string& path, const CalibrationOptions& options) {
    if (options.bins < 1) fail("calibration: need at least 1 bin, got {}", options.bins);
    const distill::RunHeader run = distill::read_run_header(path);
    const distill::RunDirectory dir(path);
    const distill::StoredOutputs test = distill::read_split_outputs(dir.outputs("test"), run.num_classes, false);
    if (run.config.val_size == 0)
        fail("{}: the run has no validation split (val-size 0); temperature scaling is fitted on held-out data", path);
    const distill::StoredOutputs val = distill::read_split_outputs(dir.outputs("val"), run.num_classes, false);

    CalibrationResult r;
    r.path = path;
    r.model = run.config.model;
    r.dataset = run.config.dataset;
    r.smoothing = run.config.smoothing;
    r.bins = options.bins;
    r.fit_examples = static_cast<std::int64_t>(val.outputs.labels.size());
    r.report_examples = static_cast<std::int64_t>(test.outputs.labels.size());
    r.scaling = analysis::temperature_scaling(as_matrix(val.outputs.logits), val.outputs.labels,
                                              as_matrix(test.outputs.logits), test.outputs.labels, options.bins);

    write_analysis(path, "calibration", [&](io::H5File& f) {
        f.set_attr("/", "bins", static_cast<std::int64_t>(r.bins));
        f.set_attr("/", "fit_split", r.fit_split);
        f.set_attr("/", "report_split", r.report_split);
        f.set_attr("/", "fit_examples", r.fit_examples);
        f.set_attr("/", "report_examples", r.report_examples);
        f.set_attr("/", "method", "T minimising NLL of softmax(z/T) on fit_split (safeguarded Newton on 1/T)");
        f.set_attr("/", "temperature", r.scaling.fit.temperature);
        f.set_attr("/", "temperature_at_bound", static_cast<std::int64_t>(r.scaling.fit.at_bound));
        f.set_attr("/", "fit_iterations", static_cast<std::int64_t>(r.scaling.fit.iterations));
        f.set_attr("/", "fit_nll_before", r.scaling.fit.nll_before);
        f.set_attr("/", "fit_nll_after", r.scaling.fit.nll_after);
        f.set_attr("/", "ece_before", r.scaling.before.ece);
        f.set_attr("/", "ece_after", r.scaling.after.ece);
        f.set_attr("/", "nll_before", r.scaling.before.nll);
        f.set_attr("/", "nll_after", r.scaling.after.nll);
        f.set_attr("/", "accuracy", r.scaling.before.accuracy);
        write_diagram(f, "/before", r.scaling.before);
        write_diagram(f, "/after", r.scaling.after);
    });
    return r;
}

std::string format_table(const CalibrationResult& r) {
    const analysis::TemperatureScaling& s = r.scaling;
    std::string out = fmt::format("calibration: {} ({}, {}, alpha {}), {} bins; T fitted on {} ({} examples){}\n",
                                  r.path, r.model, r.dataset, r.smoothing, r.bins, r.fit_split, r.fit_examples,
                                  s.fit.at_bound ? ", at a bound of the search" : "");
    out += fmt::format("{:<6} {:>8} {:>7} {:>8} {:>8} {:>8}\n", "split", "examples", "T", "ECE", "NLL", "acc");
    out += fmt::format("{:<6} {:>8} {:>7.3f} {:>8.4f} {:>8.4f} {:>8.4f}  before\n", r.report_split, r.report_examples,
                       1.0, s.before.ece, s.before.nll, s.before.accuracy);
    out += fmt::format("{:<6} {:>8} {:>7.3f} {:>8.4f} {:>8.4f} {:>8.4f}  after temperature scaling\n", r.report_split,
                       r.report_examples, s.fit.temperature, s.after.ece, s.after.nll, s.after.accuracy);
    out += fmt::format("reliability on {} before scaling (non-empty bins):\n{:<16} {:>7} {:>8} {:>8}\n", r.report_split,
                       "confidence", "count", "acc", "conf");
    for (const analysis::ReliabilityBin& b : s.before.reliability.bins)
        if (b.count > 0)
            out += fmt::format("({:.3f}, {:.3f}] {:>7} {:>8.4f} {:>8.4f}\n", b.lower, b.upper, b.count, b.accuracy,
                               b.confidence);
    return out;
}

AnalysisSummary summarize(const CalibrationResult& r) {
    AnalysisSummary s;
    s.numbers = {{"alpha", r.smoothing},
                 {"bins", r.bins},
                 {"temperature", r.scaling.fit.temperature},
                 {"ece_before", r.scaling.before.ece},
                 {"ece_after", r.scaling.after.ece},
                 {"nll_before", r.scaling.before.nll},
                 {"nll_after", r.scaling.after.nll},
                 {"accuracy", r.scaling.before.accuracy},
                 {"fit_examples", static_cast<double>(r.fit_examples)},
                 {"report_examples", static_cast<double>(r.report_examples)}};
    s.strings = {{"run", r.path},
                 {"model", r.model},
                 {"dataset", r.dataset},
                 {"fit_split", r.fit_split},
                 {"report_split", r.report_split}};
    return s;
}

}  // namespace lskd::study
