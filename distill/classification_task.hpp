// The classification task (distill/task.hpp): batches of images from the training split (shuffled and augmented
// by the seed, from memory or streamed from files), the cross-entropy against label-smoothed targets or, with a
// teacher, a distillation loss (distill/loss_forms.hpp), test and validation scores with the last epoch's outputs, and
// activation records.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>

#include "distill/epoch_evaluation.hpp"
#include "distill/epoch_records.hpp"
#include "distill/loss_forms.hpp"
#include "distill/rank_sharding.hpp"
#include "distill/run_config.hpp"
#include "distill/task.hpp"
#include "distill/teacher_source.hpp"
#include "framework/data/batch_source.hpp"
#include "framework/data/dataset.hpp"
#include "framework/data/folder_stream.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

// The distillation loss a student's config asks for, with the form's default β where it gives none.
DistillSettings distill_settings(const RunConfig& config);

// The training batches of a streamed image folder (image-stream), shuffled by the run's seed, normalised by `norm`,
// with the run's batch and threads: with augment, torchvision's training preset, RandomResizedCrop(S, scale (0.08, 1),
// ratio (3/4, 4/3)) and a horizontal flip (unless hflip is 0); without, the evaluation views, Resize(R) +
// CenterCrop(S), the pixels of the in-memory folder. Keeps a copy of the training listing.
std::unique_ptr<data::FolderStream> streamed_training_source(const RunConfig& config,
                                                             const data::StreamedFolder& folder,
                                                             const data::Normalization& norm);

class ClassificationTask final : public Task {
public:
    // `teacher`: nullptr without one. `world`: the ranks evaluation is shared among, or nullptr for this process
    // alone. `train_source`: where training batches come from; nullptr: streamed_training_source for a streamed image
    // folder, else a BatchLoader over dataset.train. Keeps references to the data set, the model, the teacher and the
    // world.
    ClassificationTask(const RunConfig& config, const data::Dataset& dataset, models::Classifier& model,
                       TeacherSource* teacher, const distributed::World* world,
                       std::unique_ptr<data::BatchSource> train_source = nullptr);

    std::int64_t steps_per_epoch() const override { return steps_; }
    void begin_epoch(std::int64_t epoch) override;
    bool next_batch() override;
    const char* example_unit() const override { return "img"; }
    std::int64_t batch_examples() const override { return static_cast<std::int64_t>(batch_.size()); }
    void keep_shard(distributed::Shard shard) override;
    std::int64_t step_examples() const override { return static_cast<std::int64_t>(step_batch_->size()); }
    StepLoss loss() override;

    EpochScores evaluate(bool scored, bool last) override;
    std::string describe(const EpochScores& scores) const override;

    void write_records(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) override;
    void write_outputs(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) override;

private:
    models::Classifier& model_;
    TeacherSource* teacher_;
    std::int64_t num_classes_;
    double smoothing_;
    DistillSettings settings_;
    std::unique_ptr<data::BatchSource> source_;
    std::int64_t steps_;
    data::Batch batch_, shard_;
    const data::Batch* step_batch_ = &batch_;  // batch_, or shard_ in a data-parallel run
    Tensor targets_;
    LossWorkspace workspace_;
    EpochEvaluation evaluation_;
    EpochRecords records_;
};

}  // namespace lskd::distill
