// The sequence-to-sequence task (distill/task.hpp; docs/method.md §15): batches of token rows grouped by length
// (framework/data/token_batches.hpp), the token loss of distill/token_loss.hpp (label-smoothed targets, or word-level
// distillation from a teacher on gold prefixes), scores per epoch under teacher forcing (token NLL, accuracy, ECE)
// and, at the last epoch, of the test split's decodes (WER/PER or BLEU/chrF2); outputs are the test and validation
// tokens' logits, records the decoder's penultimate activations at train, validation and test tokens.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "distill/evaluation.hpp"
#include "distill/loss_forms.hpp"
#include "distill/run_config.hpp"
#include "distill/sequence_teacher.hpp"
#include "distill/task.hpp"
#include "distill/token_loss.hpp"
#include "framework/data/sequence_dataset.hpp"
#include "framework/data/token_batches.hpp"
#include "models/search_options.hpp"
#include "models/transformer.hpp"

namespace lskd::distill {

// The search a run's decodes use, from its config (beam, length normalisation and its a; T = 1).
models::SearchOptions search_options(const RunConfig& config);

class SequenceTask final : public Task {
public:
    // `teacher`: nullptr without one. Keeps references to the data set, the model and the teacher.
    SequenceTask(const RunConfig& config, const data::SequenceDataset& dataset, models::Transformer& model,
                 SequenceTeacher* teacher);

    std::int64_t steps_per_epoch() const override { return steps_; }
    void begin_epoch(std::int64_t epoch) override;
    bool next_batch() override;
    const char* example_unit() const override { return "sent"; }
    std::int64_t batch_examples() const override { return batch_.rows; }
    void keep_shard(distributed::Shard shard) override;
    std::int64_t step_examples() const override { return step_batch_->rows; }
    StepLoss loss() override;

    EpochScores evaluate(bool scored, bool last) override;
    std::string describe(const EpochScores& scores) const override;

    void write_records(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) override;
    void write_outputs(const RunDirectory& run, std::int64_t epoch, io::BackgroundCommits* commits) override;

private:
    const data::SequenceDataset& dataset_;
    models::Transformer& model_;
    SequenceTeacher* teacher_;
    double smoothing_;
    DistillSettings settings_;
    models::SearchOptions search_;
    std::int64_t record_per_token_;
    data::TokenBatcher batcher_;
    std::int64_t steps_;
    data::TokenBatch batch_, shard_;
    const data::TokenBatch* step_batch_ = &batch_;
    TokenLossWorkspace workspace_;
    SplitOutputs test_, val_;  // the last epoch's, until written
    std::vector<std::vector<std::int32_t>> decodes_;
};

}  // namespace lskd::distill
