#include "distill/classification_task.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "distill/split_outputs_file.hpp"
#include "distill/targets.hpp"
#include "distill/trainer.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::distill {
namespace {

std::unique_ptr<data::BatchSource> training_source(const RunConfig& config, const data::Dataset& dataset) {
    if (dataset.streamed) return streamed_training_source(config, *dataset.streamed, dataset.normalization);
    data::LoaderSpec spec;
    spec.batch_size = static_cast<std::size_t>(config.batch);
    spec.augment = augment_spec(config, dataset);
    spec.seed = config.seed;
    return std::make_unique<data::BatchLoader>(dataset.train, dataset.normalization, spec);
}

void ensure(Tensor& t, const Shape& shape) {
    if (!t.defined() || !(t.shape() == shape)) t = Tensor::empty(shape);
}

std::int64_t correct_predictions(const Tensor& logits, std::span<const std::int32_t> labels) {
    const std::int64_t n = logits.dim(0), k = logits.dim(1);
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const float* z = logits.data() + i * k;
        if (std::max_element(z, z + k) - z == labels[static_cast<std::size_t>(i)]) ++correct;
    }
    return correct;
}

}  // namespace

DistillSettings distill_settings(const RunConfig& config) {
    DistillSettings s;
    s.form = parse_loss_form(config.loss);
    s.beta = config.beta < 0 ? default_beta(s.form) : config.beta;
    s.temperature = config.temperature;
    return s;
}

std::unique_ptr<data::FolderStream> streamed_training_source(const RunConfig& config,
                                                             const data::StreamedFolder& folder,
                                                             const data::Normalization& norm) {
    data::FolderStreamSpec spec = data::train_stream_spec(static_cast<std::size_t>(config.batch), config.seed);
    spec.train.size = folder.images.size;
    spec.train.hflip = config.hflip != 0;
    if (!config.augment) {
        spec.transform = data::StreamTransform::eval;
        spec.eval = folder.images.transform();
    }
    spec.skip_bad = folder.images.skip_bad_images;
    spec.bad_files = folder.bad_files;
    spec.threads = config.threads;
    return std::make_unique<data::FolderStream>(folder.train.root, folder.train.entries, norm, spec);
}

ClassificationTask::ClassificationTask(const RunConfig& config, const data::Dataset& dataset, models::Classifier& model,
                                       TeacherSource* teacher, const distributed::World* world,
                                       std::unique_ptr<data::BatchSource> train_source)
    : model_(model),
      teacher_(teacher),
      num_classes_(dataset.num_classes),
      smoothing_(config.smoothing),
      source_(train_source ? std::move(train_source) : training_source(config, dataset)),
      steps_(static_cast<std::int64_t>(source_->batches_per_epoch())),
      evaluation_(model, dataset, world),
      records_(dataset, config.record_per_class) {
    if (teacher_ != nullptr) settings_ = distill_settings(config);
}

void ClassificationTask::begin_epoch(std::int64_t epoch) { source_->begin_epoch(static_cast<std::uint64_t>(epoch)); }

bool ClassificationTask::next_batch() {
    step_batch_ = &batch_;
    return source_->next(batch_);
}

void ClassificationTask::keep_shard(distributed::Shard shard) {
    take_rows(batch_, shard, shard_);
    step_batch_ = &shard_;
}

StepLoss ClassificationTask::loss() {
    const data::Batch& batch = *step_batch_;
    const auto n = static_cast<std::int64_t>(batch.size());
    ensure(targets_, {n, num_classes_});
    smoothed_targets(batch.labels, smoothing_, targets_);
    Variable logits = model_.forward(Variable(batch.images));
    StepLoss out;
    if (teacher_ != nullptr) {
        LossValue lv = distillation_loss(logits, targets_, teacher_->logits(batch), settings_, workspace_);
        out.objective = lv.objective;
        out.reported = lv.reported;
    } else {
        out.objective = ops::soft_target_cross_entropy(logits, targets_);
        out.reported = out.objective.value().at(0);
    }
    out.count = n;
    out.correct = correct_predictions(logits.value(), batch.labels);
    return out;
}

EpochScores ClassificationTask::evaluate(bool scored, bool last) {
    const SplitScores s = evaluation_.evaluate(scored, last);
    return {{"val_acc", s.val_acc}, {"test_acc", s.test.accuracy}, {"test_nll", s.test.nll}, {"test_ece", s.test.ece}};
}

std::string ClassificationTask::describe(const EpochScores& s) const {
    return fmt::format("val acc {:.4f} | test acc {:.4f} nll {:.4f} ece {:.4f}", s.at("val_acc"), s.at("test_acc"),
                       s.at("test_nll"), s.at("test_ece"));
}

void ClassificationTask::write_records(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) {
    records_.write(run, model_, epoch, commits);
}

void ClassificationTask::write_outputs(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) {
    write_split_outputs(run.outputs("test"), "test", epoch, evaluation_.test(), commits);
    if (!evaluation_.val().labels.empty())
        write_split_outputs(run.outputs("val"), "val", epoch, evaluation_.val(), commits);
}

}  // namespace lskd::distill
