// The classification kind of run (distill/run_kind.hpp): a classifier from the model table on an image data set,
// trained on label-smoothed targets or a teacher's outputs (distill/classification_task.hpp), with mi-every's probe
// and the caller's epoch metrics (distill/trainer.hpp's TrainHooks).
#pragma once
#include <map>
#include <memory>
#include <string>

#include "distill/run_kind.hpp"
#include "distill/trainer.hpp"
#include "framework/data/dataset.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

class ClassificationRun final : public RunKind {
public:
    // Keeps references to the data set and the hooks.
    ClassificationRun(const data::Dataset& dataset, const TrainHooks& hooks);

    void check(const RunConfig& config) override;
    bool has_teacher() const override { return hooks_.teacher != nullptr; }
    std::shared_ptr<nn::Module> make_model(const RunConfig& config) override;
    void describe(RunHeader& header) const override;
    void update_header(RunHeader& header) const override;
    void check_resumed(const RunHeader&, const std::string&) const override {}
    std::unique_ptr<Task> make_task(const RunConfig& config, const distributed::World* world) override;
    EpochMetrics* epoch_metrics() override { return metrics_.get(); }
    Templates templates() const override { return head_templates(*model_); }

private:
    const data::Dataset& dataset_;
    const TrainHooks& hooks_;
    std::map<std::string, EpochMetric> metric_list_;  // mi-every's and the hooks'
    std::shared_ptr<models::Classifier> model_;
    std::unique_ptr<EpochMetrics> metrics_;
};

}  // namespace lskd::distill
