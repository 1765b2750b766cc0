#include "distill/classification_run.hpp"

#include <algorithm>

#include "distill/classification_task.hpp"
#include "distill/mi_probe.hpp"
#include "framework/core/error.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {

ClassificationRun::ClassificationRun(const data::Dataset& dataset, const TrainHooks& hooks)
    : dataset_(dataset), hooks_(hooks) {}

void ClassificationRun::check(const RunConfig& config) {
    if (hooks_.teacher == nullptr && !config.teacher.empty())
        fail("{}: a teacher is configured but none was loaded", config.teacher);
    // The trainer honours mi-every itself, whoever runs it (lskd train, distill, sweep, study): Î appended to
    // /metrics/mi (and mi_2, ... for further pairs) every mi-every epochs and at the last (M's Figure 6).
    check_mi_settings(config, dataset_);
    metric_list_ = mi_epoch_metrics(config, dataset_);
    for (const auto& [name, metric] : hooks_.epoch_metrics)
        if (!metric_list_.emplace(name, metric).second)
            fail("the epoch metric '{}' is given twice (mi-every measures it)", name);
}

std::shared_ptr<nn::Module> ClassificationRun::make_model(const RunConfig& config) {
    const models::InputShape input{dataset_.train.height, dataset_.train.width, dataset_.train.channels};
    model_ =
        models::make_model(config.model, input, dataset_.num_classes, config.seed, {config.hidden, config.dropout});
    metrics_ = std::make_unique<EpochMetrics>(std::move(metric_list_), *model_, dataset_);
    return model_;
}

void ClassificationRun::describe(RunHeader& header) const {
    header.num_classes = dataset_.num_classes;
    header.class_names = dataset_.class_names;
    header.input = {dataset_.train.height, dataset_.train.width, dataset_.train.channels};
    header.normalization = dataset_.normalization;
    header.folder = dataset_.folder;
    if (hooks_.teacher != nullptr) header.teacher = hooks_.teacher->info();
}

// A streamed folder's streams skip bad files (skip-bad-images) as they meet them: each is met by the end of an epoch
// trained and scored, and met again after a resume, so the count only grows to the same total.
void ClassificationRun::update_header(RunHeader& header) const {
    if (dataset_.streamed && header.folder)
        header.folder->bad_images = std::max(header.folder->bad_images, dataset_.streamed->bad_files->count());
}

std::unique_ptr<Task> ClassificationRun::make_task(const RunConfig& config, const distributed::World* world) {
    return std::make_unique<ClassificationTask>(config, dataset_, *model_, hooks_.teacher, world);
}

}  // namespace lskd::distill
