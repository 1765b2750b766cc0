// lskd analyze mi: M's estimate of the mutual information between the index X of a training example and
// Y = z_a − z_b under random augmentation (docs/method.md §8, §9.3) for a finished run, stored in its own file. The
// probe itself (also run during training, mi-every) is distill/mi_probe.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "distill/mi_probe.hpp"
#include "study/analysis_output.hpp"

namespace lskd::study {

struct MiResult {
    std::string path, model, dataset;
    double smoothing = 0;
    std::int64_t epoch = 0;                // the epoch of the stored parameters
    std::vector<std::string> class_names;  // the two classes
    distill::MiProbe probe;
    distill::MiEstimate estimate;
};

// Rebuilds the run's model and, for each pair of the classes, estimates Î and writes analyses/<mi_name(pair)>.h5.
// Stored outputs cannot serve: the probe runs the model on augmented views of training examples.
// `data_dir` empty: the run's own. Settings with empty classes use the run's mi-classes if set, else the data
// set's default; an empty augment the run's mi-augment. Every pair is checked before anything is written: on
// Error the file is unchanged.
std::vector<MiResult> analyze_mi(const std::string& path, const distill::MiSettings& settings = {},
                                 const std::string& data_dir = {});

std::string format_table(const MiResult& r);
AnalysisSummary summarize(const MiResult& r);

}  // namespace lskd::study
