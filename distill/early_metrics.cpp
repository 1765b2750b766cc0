#include "distill/early_metrics.hpp"

#include <cmath>

namespace lskd::distill {

std::vector<std::int64_t> early_steps(std::int64_t steps, std::int64_t points) {
    std::vector<std::int64_t> out;
    for (std::int64_t k = 1; k <= points; ++k) {
        const std::int64_t s = (2 * k * steps + points + 1) / (2 * (points + 1));
        if (s > 0 && s < steps && (out.empty() || out.back() != s)) out.push_back(s);
    }
    return out;
}

EpochMetrics::EpochMetrics(std::map<std::string, EpochMetric> metrics, models::Classifier& model,
                           const data::Dataset& dataset)
    : metrics_(std::move(metrics)), model_(model), dataset_(dataset) {}

std::map<std::string, double> EpochMetrics::measure(std::int64_t epoch) {
    std::map<std::string, double> values;
    for (const auto& [name, metric] : metrics_) {
        model_.eval();
        const std::optional<double> value = metric(model_, dataset_, epoch);
        model_.train();
        values[name] = value.value_or(std::nan(""));
    }
    return values;
}

void EpochMetrics::measure_early(std::int64_t step, std::int64_t steps,
                                 std::map<std::string, std::vector<double>>& early) {
    early["epoch"].push_back(static_cast<double>(step) / static_cast<double>(steps));
    model_.eval();
    for (const auto& [name, metric] : metrics_)
        early[name].push_back(metric(model_, dataset_, 0).value_or(std::nan("")));
    model_.train();
}

}  // namespace lskd::distill
