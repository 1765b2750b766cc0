#include "distill/sequence_run.hpp"

#include "distill/epoch_records.hpp"
#include "distill/sequence_level_targets.hpp"
#include "distill/sequence_task.hpp"
#include "framework/core/error.hpp"
#include "models/model_registry.hpp"

namespace lskd::distill {

data::SequenceDataset load_sequence_run_dataset(const RunConfig& c) {
    data::SequenceDatasetSpec spec;
    spec.name = c.dataset;
    spec.dir = c.data_dir;
    spec.val_size = static_cast<std::size_t>(c.val_size);
    spec.test_size = static_cast<std::size_t>(c.test_size);
    spec.max_train = static_cast<std::size_t>(c.max_train);
    spec.seed = run_data_seed(c);
    spec.source_vocab = c.source_vocab;
    spec.target_vocab = c.target_vocab;
    spec.subwords = static_cast<std::int32_t>(c.subwords);
    return data::load_sequence_dataset(spec);
}

SequenceRun::SequenceRun(const data::SequenceDataset& dataset, SequenceTeacher* teacher, bool word_level)
    : dataset_(dataset), teacher_(teacher), word_level_(word_level) {}

void SequenceRun::check(const RunConfig& config) {
    if (teacher_ == nullptr && !config.teacher.empty())
        fail("{}: a teacher is configured but none was loaded", config.teacher);
    const auto& names = models::model_names(models::ModelKind::sequence);
    if (std::find(names.begin(), names.end(), config.model) == names.end())
        fail("model '{}' is not a sequence model; data set {} trains one of: {}", config.model, config.dataset,
             models::model_name_list(models::ModelKind::sequence));
    if (dataset_.test_encoded.empty()) fail("{}: the test split is empty (test-size 0)", config.dataset);
}

std::shared_ptr<nn::Module> SequenceRun::make_model(const RunConfig& config) {
    models::ModelOptions options;
    options.dropout = config.dropout;
    model_ = models::make_sequence_model(config.model, dataset_.source_vocab->size(), dataset_.target_vocab->size(),
                                         config.seed, options);
    zero_bias_ = Tensor::full({dataset_.target_vocab->size()}, 0.0f);
    return model_;
}

void SequenceRun::describe(RunHeader& header) const {
    const data::Vocabulary& target = *dataset_.target_vocab;
    header.num_classes = target.size();
    for (std::int32_t id = 0; id < target.size(); ++id) header.class_names.push_back(target.token(id));
    header.input = {0, 0, 0};
    header.sequence = SequenceHeader{
        dataset_.origin, dataset_.hash,     dataset_.source_vocab->kind(), dataset_.source_vocab->serialize(),
        target.kind(),   target.serialize()};
    if (teacher_ != nullptr) header.teacher = teacher_->info();
}

void SequenceRun::check_resumed(const RunHeader& header, const std::string& path) const {
    if (!header.sequence) fail("{}: not a sequence run, but its config names data set {}", path, header.config.dataset);
    check_same_vocabularies(*header.sequence, dataset_, path);
}

std::unique_ptr<Task> SequenceRun::make_task(const RunConfig& config, const distributed::World*) {
    return std::make_unique<SequenceTask>(config, dataset_, *model_, word_level_ ? teacher_ : nullptr);
}

Templates SequenceRun::templates() const { return {&model_->target_embedding().value(), &zero_bias_}; }

TrainSummary train_sequences(const RunConfig& config, const data::SequenceDataset& dataset,
                             const TrainOptions& options) {
    validate(config, !config.teacher.empty());
    std::unique_ptr<SequenceTeacher> teacher;
    if (!config.teacher.empty()) teacher = std::make_unique<SequenceTeacher>(config, dataset);
    if (teacher == nullptr || config.kd_level == "word") {
        SequenceRun kind(dataset, teacher.get(), true);
        return train_run(config, kind, options);
    }
    const data::SequenceDataset distilled = with_teacher_targets(dataset, teacher->model(), search_options(config));
    SequenceRun kind(distilled, teacher.get(), false);
    return train_run(config, kind, options);
}

}  // namespace lskd::distill
