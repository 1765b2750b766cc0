// Trains one run (teacher, student or baseline) from a RunConfig: label-smoothed targets or a teacher's
// logits, SGD with the configured schedule, per-epoch evaluation, records and the run file written
// atomically after every epoch, and resumption from that file.
#pragma once
#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <string>

#include "distill/run_config.hpp"
#include "distill/teacher_source.hpp"
#include "framework/data/dataset.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

struct TrainOptions {
    bool resume = false;  // continue the run file at config.output from its last completed epoch
    bool force = false;   // overwrite an existing output
    bool quiet = false;   // no progress output
    std::string label;    // prefix of progress lines
};

struct TrainSummary {
    std::map<std::string, double> last;  // the last epoch's metrics
    std::int64_t epochs = 0;
    double seconds = 0;
    std::string output;
};

// Extra per-epoch measurements (e.g. mutual information), stored as /metrics/<name>. Called after an epoch
// with the model in evaluation mode; returning nothing skips the epoch.
using EpochMetric = std::function<std::optional<double>(models::Classifier&, const data::Dataset&, std::int64_t epoch)>;

struct TrainHooks {
    TeacherSource* teacher = nullptr;
    std::map<std::string, EpochMetric> epoch_metrics;
};

// The data a config asks for (validation split and subsets included).
data::Dataset load_run_dataset(const RunConfig& config);
// The default output name: <model>_a<alpha>_s<seed>.h5.
std::string default_output(const RunConfig& config);

TrainSummary train(RunConfig config, const data::Dataset& dataset, const TrainOptions& options,
                   const TrainHooks& hooks = {});

}  // namespace lskd::distill
