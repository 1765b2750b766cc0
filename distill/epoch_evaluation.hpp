// A classifier scored after an epoch: the whole test split (accuracy, NLL, ECE) and the validation split's
// accuracy, on the epochs eval-every asks for and the last, NaN on the others. Each split is run once, for the
// scores and, at the last epoch, for its outputs (outputs/test.h5, outputs/val.h5), which are kept until written.
// A streamed split is decoded a batch at a time, so memory does not grow with it.
#pragma once
#include <cstdint>

#include "distill/evaluation.hpp"
#include "framework/data/dataset.hpp"
#include "framework/distributed/world.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

// Whether the epochs_done-th epoch (1-based) of `epochs` is scored: every eval_every and the last, for the summary
// and the outputs.
bool is_scored_epoch(std::int64_t eval_every, std::int64_t epochs_done, std::int64_t epochs);

struct SplitScores {
    SplitMetrics test;
    double val_acc = 0;  // NaN without a validation split
};

class EpochEvaluation {
public:
    // `world`: the ranks of a data-parallel run, each running its share of the batches, or nullptr for this process
    // alone. The splits are read in memory or streamed from an image folder's files (data::ImageSplit). Keeps
    // references to all three.
    EpochEvaluation(models::Classifier& model, const data::Dataset& dataset, const distributed::World* world);

    // The scores: NaN unless `scored`, and on the ranks of a data-parallel run other than 0, which get no outputs.
    // `keep` keeps the outputs for test() and val(); otherwise they are dropped.
    SplitScores evaluate(bool scored, bool keep);

    const SplitOutputs& test() const { return test_; }
    const SplitOutputs& val() const { return val_; }  // empty without a validation split

private:
    SplitOutputs run_split(data::SplitName which) const;
    bool parallel() const { return world_ != nullptr && world_->size() > 1; }
    bool scores() const { return world_ == nullptr || world_->root(); }

    models::Classifier& model_;
    const data::Dataset& dataset_;
    const distributed::World* world_;
    SplitOutputs test_, val_;
};

}  // namespace lskd::distill
