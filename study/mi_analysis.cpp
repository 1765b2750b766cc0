#include "study/mi_analysis.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "distill/checkpoint.hpp"
#include "distill/run_precision.hpp"
#include "framework/core/error.hpp"

namespace lskd::study {

namespace {

// analyses/mi_<i>.h5 of one class pair (docs/run-file.md): the estimate, its probe and the per-example means.
void write_mi_file(io::H5File& f, const MiResult& r, const std::string& augment) {
    const analysis::MutualInformation& mi = r.estimate.mi;
    f.set_attr("/", "nats", mi.nats);
    f.set_attr("/", "log_n", mi.log_n);
    f.set_attr("/", "log_2", mi.log_2);
    f.set_attr("/", "sigma2", mi.sigma2);
    f.set_attr("/", "nats_within_a", r.estimate.within[0].nats);
    f.set_attr("/", "nats_within_b", r.estimate.within[1].nats);
    f.set_attr("/", "sigma2_floored", static_cast<std::int64_t>(mi.sigma2_floored));
    f.set_attr("/", "examples", mi.examples);
    f.set_attr("/", "views", static_cast<std::int64_t>(mi.views));
    f.set_attr("/", "seed", r.probe.seed);
    f.set_attr("/", "epoch", r.epoch);
    f.set_attr("/", "alpha", r.smoothing);
    f.set_attr("/", "split", "train");
    f.set_attr("/", "class_names", r.class_names);
    f.set_attr("/", "y", "z_a - z_b, logits of the two classes, model in evaluation mode");
    f.set_attr("/", "augment", augment);
    f.set_attr("/", "augment_pad", static_cast<std::int64_t>(r.probe.augment.pad));
    f.set_attr("/", "augment_crop", static_cast<std::int64_t>(r.probe.augment.crop));
    f.set_attr("/", "augment_hflip", static_cast<std::int64_t>(r.probe.augment.hflip));
    f.set_attr("/", "view_epoch", distill::kMiViewEpoch);
    f.write("/classes", std::vector<std::int32_t>(r.probe.classes.begin(), r.probe.classes.end()));
    f.write("/labels", std::vector<std::int32_t>(r.estimate.labels.begin(), r.estimate.labels.end()));
    f.write("/indices", r.estimate.indices);
    write_vector(f, "/means", r.estimate.means);
    write_vector(f, "/extra", r.estimate.extra);
}

}  // namespace

std::vector<MiResult> analyze_mi(const std::string& path, const distill::MiSettings& settings,
                                 const std::string& data_dir) {
    const distill::RunContents run = distill::load_run(path);
    distill::RunConfig config = run.config;
    if (!data_dir.empty()) config.data_dir = data_dir;
    const data::Dataset dataset = distill::load_run_dataset(config);
    if (dataset.num_classes != run.num_classes)
        fail("{}: the run has {} classes but data set {} has {}", path, run.num_classes, dataset.name,
             dataset.num_classes);
    distill::MiSettings s = settings;
    if (s.classes.empty()) s.classes = config.mi_classes;
    if (s.augment.empty()) s.augment = config.mi_augment;
    if (config.augment) s.training_augment = distill::augment_spec(config, dataset);

    std::vector<MiResult> results;
    for (const std::string& pair : distill::split_mi_pairs(s.classes)) {
        distill::MiSettings one = s;
        one.classes = pair;
        MiResult& r = results.emplace_back();
        r.path = path;
        r.model = config.model;
        r.dataset = config.dataset;
        r.smoothing = config.smoothing;
        r.epoch = run.epochs_done;
        r.probe = distill::make_mi_probe(dataset, one);
        for (int c : r.probe.classes) r.class_names.push_back(dataset.class_names[static_cast<std::size_t>(c)]);
    }
    auto model = distill::load_model(run);
    const ops::PrecisionGuard precision(distill::run_precision(run.config, path));
    for (std::size_t i = 0; i < results.size(); ++i) {
        MiResult& r = results[i];
        r.estimate = distill::estimate_mi(*model, data::image_split(dataset, data::SplitName::train), run.normalization,
                                          r.probe);
        write_analysis(path, distill::mi_name(i), [&](io::H5File& f) { write_mi_file(f, r, s.augment); });
    }
    return results;
}

std::string format_table(const MiResult& r) {
    const analysis::MutualInformation& mi = r.estimate.mi;
    const data::AugmentSpec& a = r.probe.augment;
    std::string out = fmt::format("mutual information: {} ({}, {}, alpha {}), parameters of epoch {}\n", r.path,
                                  r.model, r.dataset, r.smoothing, r.epoch);
    out += fmt::format("classes {}, {}: N = {} training examples, L = {} views (+1 for y), shift {}{}{}, seed {}\n",
                       r.class_names[0], r.class_names[1], mi.examples, mi.views, a.pad,
                       a.crop != 0 ? fmt::format(" crop {}", a.crop) : "", a.hflip ? " + flip" : "", r.probe.seed);
    out +=
        fmt::format("I(X;Y) = {:.4f} nats   bounds [0, log N = {:.4f}]   log 2 = {:.4f}   pooled sigma^2 = {:.4g}{}\n",
                    mi.nats, mi.log_n, mi.log_2, mi.sigma2, mi.sigma2_floored ? " (floored)" : "");
    return out;
}

AnalysisSummary summarize(const MiResult& r) {
    const analysis::MutualInformation& mi = r.estimate.mi;
    AnalysisSummary s;
    s.numbers = {{"alpha", r.smoothing},
                 {"epoch", static_cast<double>(r.epoch)},
                 {"mi_nats", mi.nats},
                 {"log_n", mi.log_n},
                 {"log_2", mi.log_2},
                 {"sigma2", mi.sigma2},
                 {"examples", static_cast<double>(mi.examples)},
                 {"views", static_cast<double>(mi.views)},
                 {"seed", static_cast<double>(r.probe.seed)}};
    s.strings = {{"run", r.path},
                 {"model", r.model},
                 {"dataset", r.dataset},
                 {"classes", r.class_names[0] + "," + r.class_names[1]}};
    return s;
}

}  // namespace lskd::study
