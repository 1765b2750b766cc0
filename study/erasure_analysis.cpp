#include "study/erasure_analysis.hpp"

#include <cmath>

#include <fmt/format.h>

#include "study/run_records.hpp"

namespace lskd::study {
namespace {

SplitErasure split_erasure(const distill::StoredOutputs& r, int num_classes) {
    const distill::SplitOutputs& o = r.outputs;
    const auto logits = as_matrix(o.logits), penultimate = as_matrix(o.penultimate);
    SplitErasure e;
    e.split = r.split;
    e.softmax = analysis::softmax_intra_class_variance(logits, o.labels);
    e.penultimate = analysis::intra_class_variance(penultimate, o.labels, num_classes);
    // One class holding every example: its variance is the total variance.
    e.penultimate_total_variance =
        analysis::intra_class_variance(penultimate, std::vector<int>(o.labels.size(), 0), 1).value;
    e.gaps = analysis::logit_gap_stats(logits, o.labels);
    return e;
}

double relative(const SplitErasure& e) {
    return e.penultimate_total_variance > 0 ? e.penultimate.value / e.penultimate_total_variance : 0.0;
}

void write_split(io::H5File& f, const std::string& group, const SplitErasure& e) {
    std::vector<std::int32_t> classes;
    std::vector<std::int64_t> counts;
    std::vector<double> softmax, penultimate;
    for (std::size_t i = 0; i < e.softmax.per_class.size(); ++i) {
        classes.push_back(e.softmax.per_class[i].cls);
        counts.push_back(e.softmax.per_class[i].count);
        softmax.push_back(e.softmax.per_class[i].variance);
        penultimate.push_back(e.penultimate.per_class[i].variance);
    }
    f.write(group + "/classes", classes);
    f.write(group + "/counts", counts);
    f.write(group + "/softmax_variance", softmax);
    f.write(group + "/penultimate_variance", penultimate);
    f.set_attr(group, "one_minus_s", e.softmax.value);
    f.set_attr(group, "classes_used", e.softmax.classes_used);
    f.set_attr(group, "penultimate_intra_class_variance", e.penultimate.value);
    f.set_attr(group, "penultimate_total_variance", e.penultimate_total_variance);
    f.set_attr(group, "penultimate_relative_variance", relative(e));
    f.set_attr(group, "examples", e.gaps.examples);
    f.set_attr(group, "gap_mean", e.gaps.mean);
    f.set_attr(group, "gap_std", e.gaps.stddev);
    f.set_attr(group, "gap_min", e.gaps.min);
    f.set_attr(group, "gap_max", e.gaps.max);
    f.set_attr(group, "gap_mean_within_example_std", e.gaps.mean_within_example_stddev);
}

}  // namespace

ErasureResult analyze_erasure(const std::string& path, std::int64_t epoch) {
    const RecordedRun run = read_recorded_run(path, epoch);
    ErasureResult r;
    r.path = path;
    r.model = run.model;
    r.dataset = run.dataset;
    r.smoothing = run.smoothing;
    r.class_names = run.class_names;
    r.epoch = run.epoch;
    const int k = static_cast<int>(run.num_classes);
    r.optimal_gap = analysis::optimal_logit_gap(run.smoothing, k);
    r.train = split_erasure(run.train, k);
    r.test = split_erasure(run.test, k);

    write_analysis(path, "erasure", [&](io::H5File& f) {
        f.set_attr("/", "epoch", r.epoch);
        f.set_attr("/", "alpha", r.smoothing);
        f.set_attr("/", "optimal_logit_gap", r.optimal_gap);
        f.set_attr("/", "smoothing_form", "muller");
        f.set_attr("/", "softmax_temperature", 1.0);
        f.set_attr("/", "source", fmt::format("records/{{train,test}}_epoch_{}.h5", r.epoch));
        write_split(f, "/train", r.train);
        write_split(f, "/test", r.test);
    });
    return r;
}

std::string format_table(const ErasureResult& r) {
    std::string out = fmt::format("erasure: {} ({}, {}, alpha {}), records of epoch {}, Delta(alpha) = {:.3f}\n",
                                  r.path, r.model, r.dataset, r.smoothing, r.epoch, r.optimal_gap);
    out += fmt::format("{:<6} {:>8} {:>12} {:>14} {:>9} {:>8} {:>14}\n", "split", "1-S", "penult. var",
                       "penult. within/", "gap mean", "gap std", "within-example");
    out += fmt::format("{:<6} {:>8} {:>12} {:>14} {:>9} {:>8} {:>14}\n", "", "", "", "total", "", "", "gap std");
    for (const SplitErasure* e : {&r.train, &r.test})
        out += fmt::format("{:<6} {:>8.4f} {:>12.4g} {:>14.4f} {:>9.3f} {:>8.3f} {:>14.3f}\n", e->split,
                           e->softmax.value, e->penultimate.value, relative(*e), e->gaps.mean, e->gaps.stddev,
                           e->gaps.mean_within_example_stddev);
    out += fmt::format("{:<14} {:>9} {:>9}\n", "class 1-S", "train", "test");
    for (std::size_t i = 0; i < r.train.softmax.per_class.size(); ++i) {
        const analysis::ClassVariance& c = r.train.softmax.per_class[i];
        double test = std::nan("");
        for (const analysis::ClassVariance& t : r.test.softmax.per_class)
            if (t.cls == c.cls) test = t.variance;
        out +=
            fmt::format("{:<14} {:>9.4f} {:>9.4f}\n", r.class_names[static_cast<std::size_t>(c.cls)], c.variance, test);
    }
    return out;
}

AnalysisSummary summarize(const ErasureResult& r) {
    AnalysisSummary s;
    s.numbers = {{"alpha", r.smoothing}, {"epoch", static_cast<double>(r.epoch)}, {"optimal_logit_gap", r.optimal_gap}};
    for (const SplitErasure* e : {&r.train, &r.test}) {
        s.numbers[e->split + "_one_minus_s"] = e->softmax.value;
        s.numbers[e->split + "_penultimate_variance"] = e->penultimate.value;
        s.numbers[e->split + "_penultimate_relative_variance"] = relative(*e);
        s.numbers[e->split + "_gap_mean"] = e->gaps.mean;
        s.numbers[e->split + "_gap_std"] = e->gaps.stddev;
    }
    s.strings = {{"run", r.path}, {"model", r.model}, {"dataset", r.dataset}};
    return s;
}

}  // namespace lskd::study
