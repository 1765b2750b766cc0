// The sequence-to-sequence kind of run (distill/run_kind.hpp; docs/method.md §15): a Transformer from the model
// table over a parallel corpus's vocabularies, trained on label-smoothed token targets or, with a teacher, by
// word-level distillation (distill/sequence_task.hpp). lskd train and distill, sweeps and studies reach it through
// train_sequences when the config's data set is a sequence one (data::is_sequence_dataset).
#pragma once
#include <memory>
#include <string>

#include "distill/run_kind.hpp"
#include "distill/sequence_teacher.hpp"
#include "distill/trainer.hpp"
#include "framework/data/sequence_dataset.hpp"
#include "models/transformer.hpp"

namespace lskd::distill {

// The corpus, split and vocabularies a config asks for: its data set, data-dir, val-size, test-size, max-train and
// vocabulary fields, split by the data seed.
data::SequenceDataset load_sequence_run_dataset(const RunConfig& config);

class SequenceRun final : public RunKind {
public:
    // Keeps references to the data set and the teacher (nullptr without one). `word_level`: the teacher's logits
    // enter the loss; otherwise (sequence-level distillation) its outputs are already the data set's targets.
    SequenceRun(const data::SequenceDataset& dataset, SequenceTeacher* teacher, bool word_level);

    void check(const RunConfig& config) override;
    bool has_teacher() const override { return teacher_ != nullptr; }
    std::shared_ptr<nn::Module> make_model(const RunConfig& config) override;
    void describe(RunHeader& header) const override;
    void check_resumed(const RunHeader& header, const std::string& path) const override;
    std::unique_ptr<Task> make_task(const RunConfig& config, const distributed::World* world) override;
    EpochMetrics* epoch_metrics() override { return nullptr; }
    Templates templates() const override;

private:
    const data::SequenceDataset& dataset_;
    SequenceTeacher* teacher_;
    bool word_level_;
    std::shared_ptr<models::Transformer> model_;
    Tensor zero_bias_;  // the tied output projection has no bias; the templates' is zero
};

// Trains a sequence run of `config` on `dataset`; a student (config.teacher set) loads its teacher first, so that
// every problem with it is reported before the output exists, and with kd-level sequence learns from the teacher's
// beam outputs on the training sources.
TrainSummary train_sequences(const RunConfig& config, const data::SequenceDataset& dataset,
                             const TrainOptions& options);

}  // namespace lskd::distill
