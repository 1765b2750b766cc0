#include "distill/mi_probe.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "distill/class_selection.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/data/subset.hpp"
#include "framework/layers/eval_scope.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::distill {

namespace {

data::AugmentSpec mi_augment(const data::Dataset& dataset, const MiSettings& settings) {
    const std::string mode = settings.augment.empty() ? "shift-flip" : settings.augment;
    if (mode == "training") {
        if (dataset.streamed)
            fail("mi: augmentation 'training' probes with the run's own augmentation, but the probe cannot render a "
                 "streamed folder's RandomResizedCrop (image-stream); use shift or shift-flip");
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

std::vector<int> mi_classes(const data::Dataset& dataset, const std::string& pair) {
    return resolve_classes(pair.empty() ? default_mi_classes(dataset.name) : pair, dataset.class_names, 2);
}

}  // namespace

MiSettings run_mi_settings(const RunConfig& config, const data::Dataset& dataset) {
    MiSettings s;
    s.classes = config.mi_classes;
    s.examples = config.mi_examples;
    s.views = config.mi_views;
    s.augment = config.mi_augment;
    s.max_train = config.max_train;
    if (config.augment) s.training_augment = augment_spec(config, dataset);
    return s;
}

MiProbe make_mi_probe(const data::Dataset& dataset, const MiSettings& settings) {
    if (settings.views < 2) fail("mi: need at least 2 views per example (L >= 2), got {}", settings.views);
    if (settings.examples < 2 || settings.examples % 2 != 0)
        fail("mi: the number of examples N must be even (half from each class) and at least 2, got {}",
             settings.examples);
    if (settings.batch < 1) fail("mi: the batch must hold at least 1 image, got {}", settings.batch);
    const std::vector<int> classes = mi_classes(dataset, settings.classes);

    // The two classes' training examples, relabelled 0 and 1 for a seeded stratified draw.
    const std::span<const std::int32_t> labels = data::image_split(dataset, data::SplitName::train).labels();
    std::vector<std::size_t> members;
    std::vector<std::int32_t> pair_labels;
    for (std::size_t p = 0; p < labels.size(); ++p)
        for (int c = 0; c < 2; ++c)
            if (labels[p] == classes[static_cast<std::size_t>(c)]) {
                members.push_back(p);
                pair_labels.push_back(c);
            }
    const auto half = static_cast<std::size_t>(settings.examples / 2);
    std::array<std::size_t, 2> available{};
    for (int c = 0; c < 2; ++c)
        available[static_cast<std::size_t>(c)] =
            static_cast<std::size_t>(std::count(pair_labels.begin(), pair_labels.end(), c));
    if (std::min(available[0], available[1]) < half) {
        const auto name = [&](int c) {
            return dataset.class_names[static_cast<std::size_t>(classes[static_cast<std::size_t>(c)])];
        };
        fail("{} {} needs {} training examples of each of {} and {}, which have {} and {} in the training split{}: "
             "lower {} to at most {}",
             settings.examples_key, settings.examples, half, name(0), name(1), available[0], available[1],
             settings.max_train > 0 ? fmt::format(" (max-train {})", settings.max_train) : "", settings.examples_key,
             2 * std::min(available[0], available[1]));
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

MiEstimate estimate_mi(models::Classifier& model, const data::ImageSplit& train, const data::Normalization& norm,
                       const MiProbe& probe) {
    // The views are keyed by original index, so the probe's examples alone give the same views; a streamed folder
    // decodes just these.
    const data::ImageSet examples = train.take(probe.positions).pixels();
    const data::Augmenter augmenter(examples, probe.augment, norm, probe.seed);
    const std::size_t n = probe.positions.size();
    const auto per_example = static_cast<std::size_t>(probe.views + 1);
    const std::size_t chunk = std::max<std::size_t>(1, static_cast<std::size_t>(probe.batch) / per_example);
    const Shape shape = augmenter.view_shape();
    const std::size_t floats = augmenter.view_floats();

    // f(d_l(x)) for the L views (columns 0..L−1) and the extra draw (column L) of each example.
    Eigen::MatrixXd f(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(per_example));
    {
        const nn::EvalScope eval(model);
        for (std::size_t start = 0; start < n; start += chunk) {
            const std::size_t m = std::min(chunk, n - start), images_n = m * per_example;
            Tensor images = Tensor::empty({static_cast<std::int64_t>(images_n), shape[0], shape[1], shape[2]});
            // Rendering (TBB) finishes before the forward pass (oneDNN) starts: they never overlap.
            tbb::parallel_for(std::size_t{0}, images_n, [&](std::size_t i) {
                augmenter.render(start + i / per_example, {kMiViewEpoch, i % per_example}, images.data() + i * floats);
            });
            const Tensor logits = model.forward(Variable(images)).value();
            const Eigen::VectorXd d = analysis::logit_difference(as_matrix(logits), probe.classes[0], probe.classes[1]);
            for (std::size_t i = 0; i < images_n; ++i)
                f(static_cast<Eigen::Index>(start + i / per_example), static_cast<Eigen::Index>(i % per_example)) =
                    d(static_cast<Eigen::Index>(i));
        }
    }

    MiEstimate e;
    const auto l = static_cast<Eigen::Index>(probe.views);
    e.mi = analysis::mutual_information(f.leftCols(l), f.col(l));
    e.means = f.leftCols(l).rowwise().mean();
    e.extra = f.col(l);
    e.labels.assign(examples.labels.begin(), examples.labels.end());
    e.indices = examples.original_index;
    // The estimator on each class's N/2 examples alone: what Y says about an example beyond its class.
    for (std::size_t k = 0; k < 2; ++k) {
        std::vector<Eigen::Index> rows;
        for (std::size_t i = 0; i < e.labels.size(); ++i)
            if (e.labels[i] == probe.classes[k]) rows.push_back(static_cast<Eigen::Index>(i));
        const Eigen::MatrixXd part = f(rows, Eigen::all);
        e.within[k] = analysis::mutual_information(part.leftCols(l), part.col(l));
    }
    return e;
}

MiEstimate estimate_mi(models::Classifier& model, const data::ImageSet& train, const data::Normalization& norm,
                       const MiProbe& probe) {
    return estimate_mi(model, data::ImageSplit(train), norm, probe);
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

std::map<std::string, EpochMetric> mi_epoch_metrics(const RunConfig& config, const data::Dataset& dataset) {
    std::map<std::string, EpochMetric> metrics;
    if (config.mi_every <= 0) return metrics;
    const MiSettings settings = run_mi_settings(config, dataset);
    const std::vector<std::string> pairs = split_mi_pairs(settings.classes);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        MiSettings pair = settings;
        pair.classes = pairs[i];
        auto probe = std::make_shared<const MiProbe>(make_mi_probe(dataset, pair));
        const std::int64_t every = config.mi_every, last = config.epochs;
        metrics[mi_name(i)] = [probe, every, last](models::Classifier& model, const data::Dataset& d,
                                                   std::int64_t epoch) -> std::optional<double> {
            if (epoch % every != 0 && epoch != last) return std::nullopt;
            return estimate_mi(model, data::image_split(d, data::SplitName::train), d.normalization, *probe).mi.nats;
        };
    }
    return metrics;
}

void check_mi_settings(const RunConfig& config, const data::Dataset& dataset) {
    const std::vector<std::string> pairs = split_mi_pairs(config.mi_classes);
    for (const std::string& pair : pairs) {
        try {
            mi_classes(dataset, pair);
        } catch (const Error& e) {
            fail("mi-classes '{}': {}", config.mi_classes, e.what());
        }
    }
    mi_epoch_metrics(config, dataset);
}

}  // namespace lskd::distill
