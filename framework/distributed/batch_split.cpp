#include "framework/distributed/batch_split.hpp"

#include <algorithm>

#include "framework/core/error.hpp"

namespace lskd::distributed {

Shard shard_of(std::size_t global_size, int rank, int ranks) {
    LSKD_CHECK(ranks >= 1 && rank >= 0 && rank < ranks, "rank {} of {}", rank, ranks);
    const auto n = static_cast<std::size_t>(ranks), r = static_cast<std::size_t>(rank);
    const std::size_t base = global_size / n, extra = global_size % n;
    return {r * base + std::min(r, extra), base + (r < extra ? 1 : 0)};
}

Shard batch_shard_of(std::size_t global_size, std::size_t batch, int rank, int ranks) {
    LSKD_CHECK(batch >= 1, "batch {}", batch);
    const Shard batches = shard_of((global_size + batch - 1) / batch, rank, ranks);
    const std::size_t begin = std::min(batches.begin * batch, global_size);
    return {begin, std::min(batches.end() * batch, global_size) - begin};
}

}  // namespace lskd::distributed
