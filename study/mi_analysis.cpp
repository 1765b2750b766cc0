#include "study/mi_analysis.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "distill/run_file.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/data/subset.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "study/class_selection.hpp"

namespace lskd::study {

namespace {

data::AugmentSpec mi_augment(const data::Dataset& dataset, const MiSettings& settings) {
    const std::string mode = settings.augment.empty() ? "shift-flip" : settings.augment;
    if (mode == "training") {
        if (!settings.training_augment)
            fail("mi: augmentation 'training' probes with the run's own augmentation, but the run trains without; "
                 "use shift or shift-flip");
        return *settings.training_augment;
    }
    if (mode != "shift" && mode != "shift-flip")
        fail("mi: unknown augmentation '{}' (expected training, shift or shift-flip)", mode);
    data::AugmentSpec spec = dataset.default_augment;
    spec.hflip = mode == "shift-flip";
    return spec;
}

// The settings a run's config asks for (mi-classes, mi-examples, mi-views, mi-augment).
MiSettings run_mi_settings(const distill::RunConfig& config, const data::Dataset& dataset) {
    MiSettings s;
    s.classes = config.mi_classes;
    s.examples = config.mi_examples;
    s.views = config.mi_views;
    s.augment = config.mi_augment;
    if (config.augment) s.training_augment = distill::augment_spec(config, dataset);
    return s;
}

}  // namespace

MiProbe make_mi_probe(const data::Dataset& dataset, const MiSettings& settings) {
    if (settings.views < 2) fail("mi: need at least 2 views per example (L >= 2), got {}", settings.views);
    if (settings.examples < 2 || settings.examples % 2 != 0)
        fail("mi: the number of examples N must be even (half from each class) and at least 2, got {}",
             settings.examples);
    if (settings.batch < 1) fail("mi: the batch must hold at least 1 image, got {}", settings.batch);
    const std::vector<int> classes = resolve_classes(
        settings.classes.empty() ? default_mi_classes(dataset.name) : settings.classes, dataset.class_names, 2);

    // The two classes' training examples, relabelled 0 and 1 for a seeded stratified draw.
    const std::vector<std::int32_t>& labels = dataset.train.labels;
    std::vector<std::size_t> members;
    std::vector<std::int32_t> pair_labels;
    for (std::size_t p = 0; p < labels.size(); ++p)
        for (int c = 0; c < 2; ++c)
            if (labels[p] == classes[static_cast<std::size_t>(c)]) {
                members.push_back(p);
                pair_labels.push_back(c);
            }
    const auto half = static_cast<std::size_t>(settings.examples / 2);
    for (int c = 0; c < 2; ++c) {
        const auto available = static_cast<std::size_t>(std::count(pair_labels.begin(), pair_labels.end(), c));
        if (available < half)
            fail("mi: N = {} needs {} training examples of each class, but '{}' has {}", settings.examples, half,
                 dataset.class_names[static_cast<std::size_t>(classes[static_cast<std::size_t>(c)])], available);
    }

    MiProbe probe;
    probe.classes = {classes[0], classes[1]};
    probe.views = settings.views;
    probe.seed = settings.seed;
    probe.batch = settings.batch;
    probe.augment = mi_augment(dataset, settings);
    for (std::size_t i : data::stratified_subset(pair_labels, 2, half, settings.seed))
        probe.positions.push_back(members[i]);
    return probe;
}

MiEstimate estimate_mi(models::Classifier& model, const data::ImageSet& train, const data::Normalization& norm,
                       const MiProbe& probe) {
    const data::Augmenter augmenter(train, probe.augment, norm, probe.seed);
    const std::size_t n = probe.positions.size();
    const auto per_example = static_cast<std::size_t>(probe.views + 1);
    const std::size_t chunk = std::max<std::size_t>(1, static_cast<std::size_t>(probe.batch) / per_example);
    const Shape shape = augmenter.view_shape();
    const std::size_t floats = augmenter.view_floats();

    // f(d_l(x)) for the L views (columns 0..L−1) and the extra draw (column L) of each example.
    Eigen::MatrixXd f(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(per_example));
    const bool was_training = model.is_training();
    model.eval();
    {
        NoGradGuard no_grad;
        for (std::size_t start = 0; start < n; start += chunk) {
            const std::size_t m = std::min(chunk, n - start), images_n = m * per_example;
            Tensor images = Tensor::empty({static_cast<std::int64_t>(images_n), shape[0], shape[1], shape[2]});
            // Rendering (TBB) finishes before the forward pass (oneDNN) starts: they never overlap.
            tbb::parallel_for(std::size_t{0}, images_n, [&](std::size_t i) {
                augmenter.render(probe.positions[start + i / per_example], {kMiViewEpoch, i % per_example},
                                 images.data() + i * floats);
            });
            const Tensor logits = model.forward(Variable(images)).value();
            const Eigen::VectorXd d = analysis::logit_difference(as_matrix(logits), probe.classes[0], probe.classes[1]);
            for (std::size_t i = 0; i < images_n; ++i)
                f(static_cast<Eigen::Index>(start + i / per_example), static_cast<Eigen::Index>(i % per_example)) =
                    d(static_cast<Eigen::Index>(i));
        }
    }
    model.train(was_training);

    MiEstimate e;
    const auto l = static_cast<Eigen::Index>(probe.views);
    e.mi = analysis::mutual_information(f.leftCols(l), f.col(l));
    e.means = f.leftCols(l).rowwise().mean();
    e.extra = f.col(l);
    for (std::size_t p : probe.positions) {
        e.labels.push_back(train.labels[p]);
        e.indices.push_back(train.original_index[p]);
    }
    return e;
}

std::vector<std::string> split_mi_pairs(const std::string& classes) {
    std::vector<std::string> pairs;
    std::size_t from = 0;
    while (true) {
        const std::size_t to = classes.find(';', from);
        std::string pair = classes.substr(from, to == std::string::npos ? std::string::npos : to - from);
        pair.erase(0, pair.find_first_not_of(" \t"));
        pair.erase(pair.find_last_not_of(" \t") + 1);
        pairs.push_back(pair);
        if (to == std::string::npos) break;
        from = to + 1;
    }
    if (pairs.size() > 1)
        for (const std::string& pair : pairs)
            if (pair.empty()) fail("mi: '{}' has an empty class pair (pairs are 'a,b;c,d')", classes);
    return pairs;
}

std::string mi_name(std::size_t pair) { return pair == 0 ? "mi" : fmt::format("mi_{}", pair + 1); }

std::map<std::string, distill::EpochMetric> mi_epoch_metrics(const distill::RunConfig& config,
                                                             const data::Dataset& dataset) {
    const MiSettings settings = run_mi_settings(config, dataset);
    const std::vector<std::string> pairs = split_mi_pairs(settings.classes);
    std::map<std::string, distill::EpochMetric> metrics;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        MiSettings pair = settings;
        pair.classes = pairs[i];
        auto probe = std::make_shared<const MiProbe>(make_mi_probe(dataset, pair));
        const std::int64_t every = config.mi_every, last = config.epochs;
        metrics[mi_name(i)] = [probe, every, last](models::Classifier& model, const data::Dataset& d,
                                                   std::int64_t epoch) -> std::optional<double> {
            if (epoch % every != 0 && epoch != last) return std::nullopt;
            return estimate_mi(model, d.train, d.normalization, *probe).mi.nats;
        };
    }
    return metrics;
}

std::vector<MiResult> analyze_mi(const std::string& path, const MiSettings& settings, const std::string& data_dir) {
    const distill::RunContents run = distill::load_run(path);
    distill::RunConfig config = run.config;
    if (!data_dir.empty()) config.data_dir = data_dir;
    const data::Dataset dataset = distill::load_run_dataset(config);
    if (dataset.num_classes != run.num_classes)
        fail("{}: the run has {} classes but data set {} has {}", path, run.num_classes, dataset.name,
             dataset.num_classes);
    MiSettings s = settings;
    if (s.classes.empty()) s.classes = config.mi_classes;
    if (s.augment.empty()) s.augment = config.mi_augment;
    if (config.augment) s.training_augment = distill::augment_spec(config, dataset);

    std::vector<MiResult> results;
    for (const std::string& pair : split_mi_pairs(s.classes)) {
        MiSettings one = s;
        one.classes = pair;
        MiResult& r = results.emplace_back();
        r.path = path;
        r.model = config.model;
        r.dataset = config.dataset;
        r.smoothing = config.smoothing;
        r.epoch = run.epochs_done;
        r.probe = make_mi_probe(dataset, one);
        for (int c : r.probe.classes) r.class_names.push_back(dataset.class_names[static_cast<std::size_t>(c)]);
    }
    auto model = distill::load_model(run);
    for (std::size_t i = 0; i < results.size(); ++i) {
        MiResult& r = results[i];
        r.estimate = estimate_mi(*model, dataset.train, run.normalization, r.probe);
        write_analysis(path, mi_name(i), [&](io::H5File& f, const std::string& g) {
            const analysis::MutualInformation& mi = r.estimate.mi;
            f.set_attr(g, "nats", mi.nats);
            f.set_attr(g, "log_n", mi.log_n);
            f.set_attr(g, "log_2", mi.log_2);
            f.set_attr(g, "sigma2", mi.sigma2);
            f.set_attr(g, "sigma2_floored", static_cast<std::int64_t>(mi.sigma2_floored));
            f.set_attr(g, "examples", mi.examples);
            f.set_attr(g, "views", static_cast<std::int64_t>(mi.views));
            f.set_attr(g, "seed", r.probe.seed);
            f.set_attr(g, "epoch", r.epoch);
            f.set_attr(g, "alpha", r.smoothing);
            f.set_attr(g, "split", "train");
            f.set_attr(g, "class_names", r.class_names);
            f.set_attr(g, "y", "z_a - z_b, logits of the two classes, model in evaluation mode");
            f.set_attr(g, "augment", s.augment);
            f.set_attr(g, "augment_pad", static_cast<std::int64_t>(r.probe.augment.pad));
            f.set_attr(g, "augment_crop", static_cast<std::int64_t>(r.probe.augment.crop));
            f.set_attr(g, "augment_hflip", static_cast<std::int64_t>(r.probe.augment.hflip));
            f.set_attr(g, "view_epoch", kMiViewEpoch);
            f.write(g + "/classes", std::vector<std::int32_t>(r.probe.classes.begin(), r.probe.classes.end()));
            f.write(g + "/labels", std::vector<std::int32_t>(r.estimate.labels.begin(), r.estimate.labels.end()));
            f.write(g + "/indices", r.estimate.indices);
            write_vector(f, g + "/means", r.estimate.means);
            write_vector(f, g + "/extra", r.estimate.extra);
        });
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
