// Combining what ranks measured on their shards (batch_split.hpp) of an evaluation split: sums of counts and
// losses, and the per-example outputs gathered in the split's order; and handing rank 0's values to every rank.
// Every rank gets the same bits; a World that was not launched keeps its own values unchanged.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "framework/distributed/world.hpp"

namespace lskd::distributed {

// Element-wise sums over the ranks, in place (e.g. {correct predictions, examples, loss sum, ECE bin sums}).
// Counts summed as doubles are exact below 2^53.
void sum_over_ranks(const World& world, std::span<double> values);
std::int64_t sum_over_ranks(const World& world, std::int64_t value);

// Rows of width `row_width` computed by each rank for batch_shard_of(global_rows, batch, rank, size) (with batch 1,
// shard_of), concatenated in rank order: the whole split's rows on the root, an empty vector on the other ranks.
std::vector<float> gather_shards(const World& world, std::span<const float> local, std::size_t global_rows,
                                 std::size_t row_width, std::size_t batch = 1);

// Replaces every rank's values by rank 0's, in place: e.g. batch-norm running statistics, which each rank updates
// from its own shard (as DDP's broadcast_buffers does), before the model is evaluated or saved.
void broadcast_from_root(const World& world, std::span<float> values);

}  // namespace lskd::distributed
