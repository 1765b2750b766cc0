#include "distill/evaluation.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "analysis/calibration.hpp"
#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
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

}  // namespace

SplitOutputs run_model(models::Classifier& model, const data::ImageSet& set, const data::Normalization& norm,
                       std::int64_t batch, bool with_penultimate) {
    const nn::EvalScope eval(model);
    data::LoaderSpec spec;
    spec.batch_size = static_cast<std::size_t>(batch);
    spec.shuffle = false;
    data::BatchLoader loader(set, norm, spec);
    loader.begin_epoch(0);

    SplitOutputs out;
    const auto n = static_cast<std::int64_t>(set.size());
    out.labels.reserve(set.size());
    out.indices.reserve(set.size());
    data::Batch b;
    std::int64_t row = 0;
    while (loader.next(b)) {
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
    return out;
}

SplitOutputs run_model_over_ranks(models::Classifier& model, const data::ImageSet& set, const data::Normalization& norm,
                                  std::int64_t batch, int num_classes, const distributed::World& world) {
    if (world.size() == 1) return run_model(model, set, norm, batch, false);
    const distributed::Shard mine =
        distributed::batch_shard_of(set.size(), static_cast<std::size_t>(batch), world.rank(), world.size());
    std::vector<std::size_t> positions(mine.count);
    std::iota(positions.begin(), positions.end(), mine.begin);
    const SplitOutputs local = run_model(model, data::take(set, positions), norm, batch, false);
    const auto k = static_cast<std::size_t>(num_classes);
    if (local.logits.defined() && local.logits.dim(1) != num_classes)
        fail("the model gives {} logits per example, not the {} classes of its run", local.logits.dim(1), num_classes);
    const std::span<const float> rows = local.logits.defined() ? local.logits.values() : std::span<const float>{};
    const std::vector<float> all =
        distributed::gather_shards(world, rows, set.size(), k, static_cast<std::size_t>(batch));
    SplitOutputs out;
    if (!world.root()) return out;
    out.logits = Tensor::from({static_cast<std::int64_t>(set.size()), num_classes}, all);
    out.labels = set.labels;  // in the split's order, as an unshuffled loader yields them
    out.indices = set.original_index;
    return out;
}

SplitMetrics score(const SplitOutputs& outputs) {
    const analysis::CalibrationReport r = analysis::calibration(as_matrix(outputs.logits), outputs.labels);
    return {r.accuracy, r.nll, r.ece};
}

}  // namespace lskd::distill
