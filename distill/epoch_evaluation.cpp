#include "distill/epoch_evaluation.hpp"

#include <cmath>

namespace lskd::distill {

bool is_scored_epoch(std::int64_t eval_every, std::int64_t epochs_done, std::int64_t epochs) {
    return epochs_done % eval_every == 0 || epochs_done == epochs;
}

EpochEvaluation::EpochEvaluation(models::Classifier& model, const data::Dataset& dataset,
                                 const distributed::World* world)
    : model_(model), dataset_(dataset), world_(world) {
    if (parallel())
        for (const data::SplitName s : {data::SplitName::val, data::SplitName::test})
            check_rank_evaluation(data::image_split(dataset, s), *world);
}

// Over the ranks of a data-parallel run each rank runs its share of the batches and rank 0, which alone scores and
// writes, receives the one-process logits (docs/scale.md).
SplitOutputs EpochEvaluation::run_split(data::SplitName which) const {
    const data::ImageSplit set = data::image_split(dataset_, which);
    if (parallel())
        return run_model_over_ranks(model_, set, dataset_.normalization, kEvalBatch, dataset_.num_classes, *world_);
    return run_model(model_, set, dataset_.normalization, kEvalBatch, false);
}

SplitScores EpochEvaluation::evaluate(bool scored, bool keep) {
    const double nan = std::nan("");
    SplitScores s{{nan, nan, nan}, nan};
    test_ = {};
    val_ = {};
    if (!scored) return s;
    SplitOutputs test = run_split(data::SplitName::test);
    if (scores()) s.test = score(test);
    SplitOutputs val;
    if (data::image_split(dataset_, data::SplitName::val).size() > 0) {
        val = run_split(data::SplitName::val);
        if (scores()) s.val_acc = score(val).accuracy;
    }
    if (keep) {
        test_ = std::move(test);
        val_ = std::move(val);
    }
    return s;
}

}  // namespace lskd::distill
