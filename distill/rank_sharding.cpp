#include "distill/rank_sharding.hpp"

#include "framework/distributed/rank_sums.hpp"

namespace lskd::distill {

void take_rows(const data::Batch& batch, distributed::Shard shard, data::Batch& out) {
    Shape shape = batch.images.shape();
    const std::size_t width = static_cast<std::size_t>(batch.images.numel() / shape[0]);
    shape[0] = static_cast<std::int64_t>(shard.count);
    out.images = Tensor::from(shape, batch.images.values().subspan(shard.begin * width, shard.count * width));
    const auto b = static_cast<std::ptrdiff_t>(shard.begin), e = static_cast<std::ptrdiff_t>(shard.end());
    out.labels.assign(batch.labels.begin() + b, batch.labels.begin() + e);
    out.indices.assign(batch.indices.begin() + b, batch.indices.begin() + e);
}

RankSharding::RankSharding(const distributed::World& world, std::vector<Variable>& params) : world_(world) {
    std::vector<Shape> shapes;
    for (Variable& p : params) {
        shapes.push_back(p.shape());
        grads_.push_back(&p.grad());
    }
    buckets_ = std::make_unique<distributed::GradientBuckets>(world_, std::move(shapes));
    for (std::size_t i = 0; i < params.size(); ++i)
        params[i].set_grad_final_hook([buckets = buckets_.get(), i] { buckets->gradient_ready(i); });
}

distributed::Shard RankSharding::shard(std::int64_t examples) const {
    return distributed::shard_of(static_cast<std::size_t>(examples), world_.rank(), world_.size());
}

void RankSharding::begin_step(std::int64_t local, std::int64_t global) { buckets_->begin_step(grads_, local, global); }

void RankSharding::finish_step() { buckets_->finish_step(); }

void RankSharding::sum_totals(double& loss_sum, std::int64_t& correct, std::int64_t& seen) const {
    std::vector<double> sums{loss_sum, static_cast<double>(correct), static_cast<double>(seen)};
    distributed::sum_over_ranks(world_, sums);
    loss_sum = sums[0];
    correct = static_cast<std::int64_t>(sums[1]);
    seen = static_cast<std::int64_t>(sums[2]);
}

void RankSharding::broadcast_buffers(const nn::Module& model) const {
    for (nn::NamedBuffer& b : model.named_buffers())
        distributed::broadcast_from_root(world_, b.tensor.values_in_place());
}

}  // namespace lskd::distill
