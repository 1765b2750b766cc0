#include "distill/evaluation.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "analysis/calibration.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/distributed/batch_split.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "framework/layers/eval_scope.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::distill {
namespace {

void copy_rows(const Tensor& src, Tensor& dst, std::int64_t first_row) {
    const std::int64_t width = src.numel() / std::max<std::int64_t>(1, src.dim(0));
    std::memcpy(dst.data() + first_row * width, src.data(), static_cast<std::size_t>(src.numel()) * sizeof(float));
}

// The first `rows` rows of `t` (a streamed split's outputs when it skipped bad files).
Tensor first_rows(const Tensor& t, std::int64_t rows) {
    if (!t.defined() || rows == t.dim(0)) return t;
    Tensor out = Tensor::empty({rows, t.dim(1)});
    std::memcpy(out.data(), t.data(), static_cast<std::size_t>(out.numel()) * sizeof(float));
    return out;
}

}  // namespace

SplitOutputs run_model(models::Classifier& model, const data::ImageSplit& split, const data::Normalization& norm,
                       std::int64_t batch, bool with_penultimate) {
    SplitOutputs out;
    if (split.size() == 0) return out;
    const nn::EvalScope eval(model);
    const std::unique_ptr<data::BatchSource> source = split.batches(norm, static_cast<std::size_t>(batch));
    source->begin_epoch(0);

    const auto n = static_cast<std::int64_t>(split.size());
    out.labels.reserve(split.size());
    out.indices.reserve(split.size());
    data::Batch b;
    std::int64_t row = 0;
    for (;;) {
        // A long pass (a teacher's logits over a whole training split) stops at a signal too; it writes nothing.
        throw_if_interrupted();
        if (!source->next(b)) break;
        models::ClassifierOutput o = model.forward_with_features(Variable(b.images));
        if (!out.logits.defined()) {
            out.logits = Tensor::empty({n, o.logits.dim(1)});
            if (with_penultimate) out.penultimate = Tensor::empty({n, o.penultimate.dim(1)});
        }
        copy_rows(o.logits.value(), out.logits, row);
        if (with_penultimate) copy_rows(o.penultimate.value(), out.penultimate, row);
        out.labels.insert(out.labels.end(), b.labels.begin(), b.labels.end());
        out.indices.insert(out.indices.end(), b.indices.begin(), b.indices.end());
        row += static_cast<std::int64_t>(b.size());
    }
    out.logits = first_rows(out.logits, row);
    out.penultimate = first_rows(out.penultimate, row);
    return out;
}

SplitOutputs run_model(models::Classifier& model, const data::ImageSet& set, const data::Normalization& norm,
                       std::int64_t batch, bool with_penultimate) {
    return run_model(model, data::ImageSplit(set), norm, batch, with_penultimate);
}

void check_rank_evaluation(const data::ImageSplit& split, const distributed::World& world) {
    if (world.size() > 1 && split.skips_bad())
        fail("a streamed image folder with skip-bad-images cannot be evaluated over {} MPI ranks: each rank's rows are "
             "fixed before its files are decoded; run it in one process, or without skip-bad-images",
             world.size());
}

SplitOutputs run_model_over_ranks(models::Classifier& model, const data::ImageSplit& split,
                                  const data::Normalization& norm, std::int64_t batch, int num_classes,
                                  const distributed::World& world) {
    if (world.size() == 1) return run_model(model, split, norm, batch, false);
    check_rank_evaluation(split, world);
    const distributed::Shard mine =
        distributed::batch_shard_of(split.size(), static_cast<std::size_t>(batch), world.rank(), world.size());
    std::vector<std::size_t> positions(mine.count);
    std::iota(positions.begin(), positions.end(), mine.begin);
    const SplitOutputs local = run_model(model, split.take(positions), norm, batch, false);
    const auto k = static_cast<std::size_t>(num_classes);
    if (local.logits.defined() && local.logits.dim(1) != num_classes)
        fail("the model gives {} logits per example, not the {} classes of its run", local.logits.dim(1), num_classes);
    const std::span<const float> rows = local.logits.defined() ? local.logits.values() : std::span<const float>{};
    const std::vector<float> all =
        distributed::gather_shards(world, rows, split.size(), k, static_cast<std::size_t>(batch));
    SplitOutputs out;
    if (!world.root()) return out;
    out.logits = Tensor::from({static_cast<std::int64_t>(split.size()), num_classes}, all);
    // In the split's order, as an unshuffled source yields them.
    const std::span<const std::int32_t> labels = split.labels();
    out.labels.assign(labels.begin(), labels.end());
    for (std::size_t i = 0; i < split.size(); ++i) out.indices.push_back(split.original_index(i));
    return out;
}

SplitOutputs run_model_over_ranks(models::Classifier& model, const data::ImageSet& set, const data::Normalization& norm,
                                  std::int64_t batch, int num_classes, const distributed::World& world) {
    return run_model_over_ranks(model, data::ImageSplit(set), norm, batch, num_classes, world);
}

SplitMetrics score(const SplitOutputs& outputs) {
    const analysis::CalibrationReport r = analysis::calibration(as_matrix(outputs.logits), outputs.labels);
    return {r.accuracy, r.nll, r.ece};
}

}  // namespace lskd::distill
