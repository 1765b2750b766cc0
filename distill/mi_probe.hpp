// The probe of M's mutual information (docs/method.md §8, §9.3): Î between the index X of a training example and
// Y = z_a − z_b under random augmentation, the model run in evaluation mode on regenerated augmented views. The
// trainer measures it every mi-every epochs (mi_epoch_metrics); lskd analyze mi on a finished run (study/).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "analysis/mutual_information.hpp"
#include "distill/run_config.hpp"
#include "distill/trainer.hpp"
#include "framework/data/augment.hpp"
#include "framework/data/dataset.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

// The views are the same for every model: examples and augmentations follow this seed, not the run's.
inline constexpr std::uint64_t kMiSeed = 0;
// ViewId epoch of the MI views, far beyond any training epoch, so no model has trained on these exact views.
inline constexpr std::uint64_t kMiViewEpoch = std::uint64_t{1} << 40;

struct MiSettings {
    // "a,b" by name or index, or several pairs "a,b;c,d" (analyze_mi and the hooks only); empty:
    // default_mi_classes(dataset)
    std::string classes;
    std::int64_t examples = 600;  // N, half from each class
    std::int64_t views = 5;       // L, for the per-example mean; one more view gives y
    std::uint64_t seed = kMiSeed;
    std::int64_t batch = 256;  // images per forward pass
    // The views' augmentation: "training" (training_augment), "shift" (the data set's shift, no flip) or
    // "shift-flip" (the data set's shift with a horizontal flip, docs/method.md §9.3); empty: "shift-flip".
    std::string augment;
    std::optional<data::AugmentSpec> training_augment;  // the run's own; nullopt: it trains without
    std::string examples_key = "mi-examples";           // what sets `examples`, for the error that asks to lower it
    std::int64_t max_train = 0;                         // the run's training subset, named by that error (0: all)
};

// Everything fixed before a model is probed: which examples of the training split, which augmentation.
struct MiProbe {
    std::array<int, 2> classes{};
    std::int64_t views = 0;
    std::uint64_t seed = 0;
    std::int64_t batch = 0;
    data::AugmentSpec augment;           // as MiSettings::augment asks
    std::vector<std::size_t> positions;  // N positions in the training split, N/2 of each class
};

// Resolves and checks the settings against the data set: two distinct existing classes, N even and ≥ 2 with N/2
// training examples in each class, L ≥ 2, a known augmentation ("training" only with a training_augment). Throws
// lskd::Error otherwise; a too large N is named by settings.examples_key with the largest N that fits.
MiProbe make_mi_probe(const data::Dataset& dataset, const MiSettings& settings);

struct MiEstimate {
    analysis::MutualInformation mi;
    std::array<analysis::MutualInformation, 2> within;  // the estimator on each class's N/2 examples alone
    std::vector<int> labels;                            // of the N examples
    std::vector<std::int64_t> indices;                  // their original indices
    Eigen::VectorXd means;                              // µ_x over the L views
    Eigen::VectorXd extra;                              // y_x, the further view
};

// Runs `model` in evaluation mode, without a graph, on the L + 1 views of each example of `probe` (positions in
// `train`, which must be the split the probe was made on) and estimates Î. Restores the training flag. Of a streamed
// folder only the probe's N examples are decoded (the evaluation transform, then the probe's shift and flip); a bad
// file among them is an Error naming it, whatever skip-bad-images says.
MiEstimate estimate_mi(models::Classifier& model, const data::ImageSplit& train, const data::Normalization& norm,
                       const MiProbe& probe);
MiEstimate estimate_mi(models::Classifier& model, const data::ImageSet& train, const data::Normalization& norm,
                       const MiProbe& probe);

// "a,b;c,d" → {"a,b", "c,d"} (each trimmed); "" → {""}, the default pair. An empty pair among others is an Error.
std::vector<std::string> split_mi_pairs(const std::string& classes);
// Where the estimate of the i-th pair (from 0) is kept: "mi" for the first (/metrics/mi, /analysis/mi), then
// "mi_2", "mi_3", ...
std::string mi_name(std::size_t pair);

// The settings a run's config asks for (mi-classes, mi-examples, mi-views, mi-augment, its own augmentation).
MiSettings run_mi_settings(const RunConfig& config, const data::Dataset& dataset);

// The mi-every probes, one per pair of config.mi_classes, by mi_name: Î on epochs divisible by config.mi_every, on
// the last and on the trainer's early points (epoch 0), nothing on the others. The probes are made (and checked)
// now, from config.mi_classes, mi_examples, mi_views and mi_augment; none without mi-every.
std::map<std::string, EpochMetric> mi_epoch_metrics(const RunConfig& config, const data::Dataset& dataset);

// The checks of the MI settings against the data, before the first step: every pair of mi-classes names two
// distinct classes of the data set (lskd analyze mi reads them from the run file, whatever mi-every), and with
// mi-every every probe can be made. Errors name the key.
void check_mi_settings(const RunConfig& config, const data::Dataset& dataset);

}  // namespace lskd::distill
