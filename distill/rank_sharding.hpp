// A data-parallel run's share of the work over the ranks of an MPI job (docs/scale.md): each rank trains on its
// shard of every global batch, the gradients are averaged bucket by bucket while backward runs, the epoch's
// training totals are summed, and rank 0's batch-norm statistics are handed to every rank after the epoch.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/data/batch_loader.hpp"
#include "framework/distributed/batch_split.hpp"
#include "framework/distributed/gradient_buckets.hpp"
#include "framework/distributed/world.hpp"
#include "framework/layers/module.hpp"

namespace lskd::distill {

// Rows [shard.begin, shard.end()) of a batch, into `out` (its label and index storage reused).
void take_rows(const data::Batch& batch, distributed::Shard shard, data::Batch& out);

class RankSharding {
public:
    // Hooks every parameter's gradient into its bucket, so that the sums overlap the rest of backward; the hooks do
    // nothing outside begin_step/finish_step. Keeps references to `world` and `params`.
    RankSharding(const distributed::World& world, std::vector<Variable>& params);

    // This rank's rows of a global batch of `examples`.
    distributed::Shard shard(std::int64_t examples) const;

    // Around backward of a step on `local` of the `global` examples: afterwards every rank holds the gradient of
    // the mean loss over the global batch (an empty shard joins the average).
    void begin_step(std::int64_t local, std::int64_t global);
    void finish_step();

    // Sums an epoch's training totals over the ranks, in place, alike on every rank.
    void sum_totals(double& loss_sum, std::int64_t& correct, std::int64_t& seen) const;

    // Rank 0's buffers (batch-norm running statistics) on every rank, so that evaluation and the saved model are
    // the same on all.
    void broadcast_buffers(const nn::Module& model) const;

private:
    const distributed::World& world_;
    std::vector<Tensor*> grads_;
    std::unique_ptr<distributed::GradientBuckets> buckets_;
};

}  // namespace lskd::distill
