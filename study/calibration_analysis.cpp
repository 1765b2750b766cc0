#include "study/calibration_analysis.hpp"

#include <fmt/format.h>

#include "distill/evaluation.hpp"
#include "distill/checkpoint.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "study/run_records.hpp"

namespace lskd::study {
namespace {

struct Outputs {
    RowMatrixF logits;
    std::vector<int> labels;
};

// The whole-test-set logits written at the run's last epoch.
Outputs stored_test_outputs(const std::string& path, std::int64_t num_classes) {
    const io::H5File f = open_run_file(path);
    for (const char* name : {"/outputs/test/logits", "/outputs/test/labels"})
        if (!f.is_dataset(name)) fail("{}: no dataset {} (is the run complete?)", path, name);
    Outputs o;
    const Tensor logits = f.read_tensor("/outputs/test/logits", 2);
    o.logits = as_matrix(logits);
    const auto labels = f.read<std::int32_t>("/outputs/test/labels", 1).values;
    o.labels.assign(labels.begin(), labels.end());
    if (o.logits.cols() != num_classes || static_cast<Eigen::Index>(o.labels.size()) != o.logits.rows())
        fail("{}: /outputs/test has {}x{} logits and {} labels for {} classes", path, o.logits.rows(), o.logits.cols(),
             o.labels.size(), num_classes);
    return o;
}

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
    const distill::RunContents run = distill::load_run(path);
    const Outputs test = stored_test_outputs(path, run.num_classes);
    distill::RunConfig config = run.config;
    if (!options.data_dir.empty()) config.data_dir = options.data_dir;
    const data::Dataset dataset = distill::load_run_dataset(config);
    if (dataset.num_classes != run.num_classes)
        fail("{}: the run has {} classes but data set {} has {}", path, run.num_classes, dataset.name,
             dataset.num_classes);
    if (dataset.val.size() == 0)
        fail("{}: the run has no validation split (val-size 0); temperature scaling is fitted on held-out data", path);

    auto model = distill::load_model(run);
    const distill::SplitOutputs val =
        distill::run_model(*model, dataset.val, run.normalization, distill::kEvalBatch, false);
    const std::vector<int> val_labels(val.labels.begin(), val.labels.end());

    CalibrationResult r;
    r.path = path;
    r.model = config.model;
    r.dataset = config.dataset;
    r.smoothing = config.smoothing;
    r.bins = options.bins;
    r.fit_examples = static_cast<std::int64_t>(val_labels.size());
    r.report_examples = test.logits.rows();
    r.scaling =
        analysis::temperature_scaling(as_matrix(val.logits), val_labels, test.logits, test.labels, options.bins);

    write_analysis(path, "calibration", [&](io::H5File& f, const std::string& g) {
        f.set_attr(g, "bins", static_cast<std::int64_t>(r.bins));
        f.set_attr(g, "fit_split", r.fit_split);
        f.set_attr(g, "report_split", r.report_split);
        f.set_attr(g, "fit_examples", r.fit_examples);
        f.set_attr(g, "report_examples", r.report_examples);
        f.set_attr(g, "method", "T minimising NLL of softmax(z/T) on fit_split (safeguarded Newton on 1/T)");
        f.set_attr(g, "temperature", r.scaling.fit.temperature);
        f.set_attr(g, "temperature_at_bound", static_cast<std::int64_t>(r.scaling.fit.at_bound));
        f.set_attr(g, "fit_iterations", static_cast<std::int64_t>(r.scaling.fit.iterations));
        f.set_attr(g, "fit_nll_before", r.scaling.fit.nll_before);
        f.set_attr(g, "fit_nll_after", r.scaling.fit.nll_after);
        f.set_attr(g, "ece_before", r.scaling.before.ece);
        f.set_attr(g, "ece_after", r.scaling.after.ece);
        f.set_attr(g, "nll_before", r.scaling.before.nll);
        f.set_attr(g, "nll_after", r.scaling.after.nll);
        f.set_attr(g, "accuracy", r.scaling.before.accuracy);
        write_diagram(f, g + "/before", r.scaling.before);
        write_diagram(f, g + "/after", r.scaling.after);
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
