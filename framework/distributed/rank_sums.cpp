#include "framework/distributed/rank_sums.hpp"

#include <mpi.h>

#include <limits>

#include "framework/core/error.hpp"
#include "framework/distributed/batch_split.hpp"

namespace lskd::distributed {

void sum_over_ranks(const World& world, std::span<double> values) {
    if (!world.launched() || values.empty()) return;
    LSKD_CHECK(values.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()), "{} values", values.size());
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

std::int64_t sum_over_ranks(const World& world, std::int64_t value) {
    if (world.launched()) MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    return value;
}

void broadcast_from_root(const World& world, std::span<float> values) {
    if (!world.launched() || values.empty()) return;
    LSKD_CHECK(values.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()), "{} values", values.size());
    MPI_Bcast(values.data(), static_cast<int>(values.size()), MPI_FLOAT, 0, MPI_COMM_WORLD);
}

std::vector<float> gather_shards(const World& world, std::span<const float> local, std::size_t global_rows,
                                 std::size_t row_width, std::size_t batch) {
    const Shard mine = batch_shard_of(global_rows, batch, world.rank(), world.size());
    LSKD_CHECK(local.size() == mine.count * row_width, "rank {} holds {} values for a shard of {} rows of {}",
               world.rank(), local.size(), mine.count, row_width);
    if (!world.launched()) return {local.begin(), local.end()};
    LSKD_CHECK(global_rows * row_width <= static_cast<std::size_t>(std::numeric_limits<int>::max()),
               "{} rows of {} are too many for one MPI_Gatherv", global_rows, row_width);
    std::vector<int> counts, offsets;
    std::vector<float> all;
    if (world.root()) {
        for (int r = 0; r < world.size(); ++r) {
            const Shard s = batch_shard_of(global_rows, batch, r, world.size());
            counts.push_back(static_cast<int>(s.count * row_width));
            offsets.push_back(static_cast<int>(s.begin * row_width));
        }
        all.resize(global_rows * row_width);
    }
    MPI_Gatherv(local.data(), static_cast<int>(local.size()), MPI_FLOAT, all.data(), counts.data(), offsets.data(),
                MPI_FLOAT, 0, MPI_COMM_WORLD);
    return all;
}

}  // namespace lskd::distributed
