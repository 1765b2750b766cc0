// How a global batch (or an evaluation split) of B examples is shared among N ranks: contiguous shards in rank
// order, the first B mod N ranks taking ⌈B/N⌉ examples and the others ⌊B/N⌋, so sizes differ by at most one and
// concatenating the shards in rank order gives back the batch in its order.
#pragma once
#include <cstddef>

namespace lskd::distributed {

struct Shard {
    std::size_t begin = 0;
    std::size_t count = 0;
    std::size_t end() const { return begin + count; }
};

// rank in [0, ranks); ranks >= 1. A rank's shard may be empty when B < N.
Shard shard_of(std::size_t global_size, int rank, int ranks);

// A split of `global_size` examples run in batches of `batch` (batch >= 1), shared in whole batches: shard_of over
// the batch count, so each rank runs exactly the batches one process would run (the split's last, short batch
// included) and a model whose results depend on the batch's size gives every rank the one-process results.
Shard batch_shard_of(std::size_t global_size, std::size_t batch, int rank, int ranks);

}  // namespace lskd::distributed
