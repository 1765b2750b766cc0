// lskd analyze mi and lskd train --mi-every: M's estimate of the mutual information between the index X of a
// training example and Y = z_a − z_b under random augmentation (method.md §8, §9.3). The model is run in
// evaluation mode on regenerated augmented views, never on the stored records.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "analysis/mutual_information.hpp"
#include "study/analysis_output.hpp"
#include "distill/run_config.hpp"
#include "distill/trainer.hpp"
#include "framework/data/augment.hpp"
#include "framework/data/dataset.hpp"
#include "models/classifier.hpp"

namespace lskd::study {

// The views are the same for every model: examples and augmentations follow this seed, not the run's.
inline constexpr std::uint64_t kMiSeed = 0;
// ViewId epoch of the MI views, far beyond any training epoch, so no model has trained on these exact views.
inline constexpr std::uint64_t kMiViewEpoch = std::uint64_t{1} << 40;

struct MiSettings {
    std::string classes;        // "a,b" by name or index; empty: default_mi_classes(dataset)
    std::int64_t examples = 600;  // N, half from each class
    std::int64_t views = 5;       // L, for the per-example mean; one more view gives y
    std::uint64_t seed = kMiSeed;
    std::int64_t batch = 256;     // images per forward pass
};

// Everything fixed before a model is probed: which examples of the training split, which augmentation.
struct MiProbe {
    std::array<int, 2> classes{};
    std::int64_t views = 0;
    std::uint64_t seed = 0;
    std::int64_t batch = 0;
    data::AugmentSpec augment;           // the data set's shift, always with a horizontal flip (method.md §9.3)
    std::vector<std::size_t> positions;  // N positions in the training split, N/2 of each class
};

// Resolves and checks the settings against the data set: two distinct existing classes, N even and ≥ 2 with N/2
// training examples in each class, L ≥ 2. Throws lskd::Error otherwise.
MiProbe make_mi_probe(const data::Dataset& dataset, const MiSettings& settings);

struct MiEstimate {
    analysis::MutualInformation mi;
    std::vector<int> labels;             // of the N examples
    std::vector<std::int64_t> indices;   // their original indices
    Eigen::VectorXd means;               // µ_x over the L views
    Eigen::VectorXd extra;               // y_x, the further view
};

// Runs `model` in evaluation mode, without a graph, on the L + 1 views of each example of `probe` (positions in
// `train`, which must be the split the probe was made on) and estimates Î. Restores the training flag.
MiEstimate estimate_mi(models::Classifier& model, const data::ImageSet& train, const data::Normalization& norm,
                       const MiProbe& probe);

// The --mi-every hook: Î on epochs divisible by config.mi_every and on the last, nothing on the others. The probe
// is made (and checked) now, from config.mi_classes, mi_examples and mi_views.
distill::EpochMetric mi_epoch_metric(const distill::RunConfig& config, const data::Dataset& dataset);

struct MiResult {
    std::string path, model, dataset;
    double smoothing = 0;
    std::int64_t epoch = 0;               // the epoch of the stored parameters
    std::vector<std::string> class_names;  // the two classes
    MiProbe probe;
    MiEstimate estimate;
};

// Rebuilds the run's model, estimates Î and writes /analysis/mi. `data_dir` empty: the run's own. Settings
// with empty classes use the run's mi-classes if set, else the data set's default. On Error the file is unchanged.
MiResult analyze_mi(const std::string& path, const MiSettings& settings = {}, const std::string& data_dir = {});

std::string format_table(const MiResult& r);
AnalysisSummary summarize(const MiResult& r);

}  // namespace lskd::study
