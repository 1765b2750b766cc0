// A run's epoch metrics (mi-every's probe and the hooks' of distill/trainer.hpp): measured with the model in
// evaluation mode after every epoch, and, in a fresh run, before its first step and at mi-early steps spread
// evenly through its first epoch (/early_metrics, beside the fractional epoch of each measurement).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "distill/trainer.hpp"

namespace lskd::distill {

// The steps of an epoch of `steps` after which a fresh run measures its epoch metrics: `points` of them spaced
// evenly (step k·steps/(points + 1), rounded half up), each at most once and none at the epoch's end.
std::vector<std::int64_t> early_steps(std::int64_t steps, std::int64_t points);

class EpochMetrics {
public:
    // Keeps references to the model and the data set.
    EpochMetrics(std::map<std::string, EpochMetric> metrics, models::Classifier& model, const data::Dataset& dataset);

    bool empty() const { return metrics_.empty(); }

    // Each metric after `epoch` epochs (1-based), NaN where it skips the epoch; each measured in evaluation mode.
    std::map<std::string, double> measure(std::int64_t epoch);

    // Each metric after `step` of the first epoch's `steps` steps, called with epoch 0 and appended to `early`
    // with "epoch" = step / steps.
    void measure_early(std::int64_t step, std::int64_t steps, std::map<std::string, std::vector<double>>& early);

private:
    std::map<std::string, EpochMetric> metrics_;
    models::Classifier& model_;
    const data::Dataset& dataset_;
};

}  // namespace lskd::distill
