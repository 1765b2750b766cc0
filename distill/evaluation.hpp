// Runs a model over a whole split in evaluation mode (no graph, running batch-norm statistics, no
// dropout, no augmentation), in one process or shared among the ranks of an MPI job, and scores it: accuracy,
// NLL and 15-bin ECE from the calibration analysis.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "framework/data/image_set.hpp"
#include "framework/data/image_split.hpp"
#include "framework/data/normalization.hpp"
#include "framework/distributed/world.hpp"
#include "framework/tensor/tensor.hpp"
#include "models/classifier.hpp"

namespace lskd::distill {

struct SplitOutputs {
    Tensor logits;       // [N, K]
    Tensor penultimate;  // [N, D], only when asked for
    std::vector<std::int32_t> labels;
    std::vector<std::int64_t> indices;  // original indices
};

// The batch evaluation runs at (lskd eval, teacher logits, records, calibration), whatever batch training uses:
// the fastest measured for the fused inference pass (`lskd bench --eval-batch`). An example's logits do not depend
// on the batch it shares beyond float rounding (tests/models/test_inference.cpp: at most 1e-5 relative).
inline constexpr std::int64_t kEvalBatch = 256;

// `batch` examples per forward pass (kEvalBatch unless a test wants another), in memory or streamed from an image
// folder's files (a streamed split with skip-bad-images has no rows for the files it skipped). Restores the model's
// training flag before returning.
SplitOutputs run_model(models::Classifier& model, const data::ImageSplit& split, const data::Normalization& norm,
                       std::int64_t batch, bool with_penultimate);
SplitOutputs run_model(models::Classifier& model, const data::ImageSet& set, const data::Normalization& norm,
                       std::int64_t batch, bool with_penultimate);

// run_model over the ranks of `world` (docs/scale.md), whose models must be identical: each rank runs its whole
// batches of the split (distributed::batch_shard_of), and rank 0 receives the logits, labels and indices of
// run_model in one process, bit for bit, since every batch is the one a single process runs; the other ranks
// receive empty outputs. Collective. No penultimate features: nothing evaluated over ranks keeps them.
SplitOutputs run_model_over_ranks(models::Classifier& model, const data::ImageSplit& split,
                                  const data::Normalization& norm, std::int64_t batch, int num_classes,
                                  const distributed::World& world);
SplitOutputs run_model_over_ranks(models::Classifier& model, const data::ImageSet& set, const data::Normalization& norm,
                                  std::int64_t batch, int num_classes, const distributed::World& world);

// That `split` can be shared among the ranks of `world`: every rank's share of rows is fixed before any file is
// decoded, so a streamed split that may skip bad files (skip-bad-images) is refused over more than one rank.
void check_rank_evaluation(const data::ImageSplit& split, const distributed::World& world);

struct SplitMetrics {
    double accuracy = 0;
    double nll = 0;
    double ece = 0;
};
SplitMetrics score(const SplitOutputs& outputs);

}  // namespace lskd::distill
