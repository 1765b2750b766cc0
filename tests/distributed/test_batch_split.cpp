#include <catch2/catch.hpp>

#include <mpi.h>

#include <vector>

#include "framework/distributed/batch_split.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
using namespace lskd::distributed;

TEST_CASE("a batch of 10 over 4 ranks: 3, 3, 2, 2 in order") {
    const std::vector<std::pair<std::size_t, std::size_t>> expected{{0, 3}, {3, 3}, {6, 2}, {8, 2}};
    for (int r = 0; r < 4; ++r) {
        const Shard s = shard_of(10, r, 4);
        CHECK(s.begin == expected[static_cast<std::size_t>(r)].first);
        CHECK(s.count == expected[static_cast<std::size_t>(r)].second);
    }
    CHECK(shard_of(128, 1, 2).begin == 64);
    CHECK(shard_of(128, 1, 2).count == 64);
    CHECK(shard_of(2, 2, 3).count == 0);  // fewer examples than ranks: the last rank idles
    CHECK(shard_of(7, 0, 1).count == 7);
}

TEST_CASE("shards tile every batch contiguously, sizes differing by at most one, larger ones first") {
    for (int ranks = 1; ranks <= 6; ++ranks) {
        for (std::size_t b = 0; b <= 25; ++b) {
            std::size_t next = 0;
            for (int r = 0; r < ranks; ++r) {
                const Shard s = shard_of(b, r, ranks);
                CHECK(s.begin == next);
                CHECK(s.count == b / static_cast<std::size_t>(ranks) + (static_cast<std::size_t>(r) < b % ranks));
                next = s.end();
            }
            CHECK(next == b);
        }
    }
}

TEST_CASE("a split in whole batches: 300 examples in batches of 64 over 2 ranks are 3 batches and 2") {
    CHECK(batch_shard_of(300, 64, 0, 2).begin == 0);
    CHECK(batch_shard_of(300, 64, 0, 2).count == 192);
    CHECK(batch_shard_of(300, 64, 1, 2).begin == 192);
    CHECK(batch_shard_of(300, 64, 1, 2).count == 108);   // the short last batch: 300 - 4·64 = 44, plus one of 64
    CHECK(batch_shard_of(300, 512, 0, 2).count == 300);  // one batch: the other rank idles
    CHECK(batch_shard_of(300, 512, 1, 2).begin == 300);
    CHECK(batch_shard_of(300, 512, 1, 2).count == 0);
    CHECK(batch_shard_of(0, 64, 1, 2).count == 0);
    // 10 batches of 3 (the last of 1) over 4 ranks: 3, 3, 2, 2 batches.
    const std::vector<std::pair<std::size_t, std::size_t>> expected{{0, 9}, {9, 9}, {18, 6}, {24, 4}};
    for (int r = 0; r < 4; ++r) {
        CHECK(batch_shard_of(28, 3, r, 4).begin == expected[static_cast<std::size_t>(r)].first);
        CHECK(batch_shard_of(28, 3, r, 4).count == expected[static_cast<std::size_t>(r)].second);
    }
    for (std::size_t b = 0; b <= 25; ++b) {  // batches of one are shard_of
        CHECK(batch_shard_of(b, 1, 1, 3).begin == shard_of(b, 1, 3).begin);
        CHECK(batch_shard_of(b, 1, 1, 3).count == shard_of(b, 1, 3).count);
    }
}

TEST_CASE("sums and gathers of a world of one rank are its own values") {
    const World world(Launch{});
    std::vector<double> v{1.5, 2};
    sum_over_ranks(world, v);
    CHECK(v == std::vector<double>{1.5, 2});
    CHECK(sum_over_ranks(world, std::int64_t{7}) == 7);
    const std::vector<float> rows{1, 2, 3, 4};
    CHECK(gather_shards(world, rows, 2, 2) == rows);
    std::vector<float> own{4, 5};
    broadcast_from_root(world, own);
    CHECK(own == std::vector<float>{4, 5});
}

TEST_CASE("the two ranks' shards cover every index of a batch exactly once", "[mpi][shards]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    for (std::size_t b : {0, 1, 7, 64, 127, 128}) {
        const Shard mine = shard_of(b, world.rank(), world.size());
        std::vector<std::int64_t> indices;
        for (std::size_t i = mine.begin; i < mine.end(); ++i) indices.push_back(static_cast<std::int64_t>(i));
        int count = static_cast<int>(indices.size());
        std::vector<int> counts(2), offsets{0, 0};
        MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
        offsets[1] = counts[0];
        std::vector<std::int64_t> all(static_cast<std::size_t>(counts[0] + counts[1]));
        MPI_Allgatherv(indices.data(), count, MPI_INT64_T, all.data(), counts.data(), offsets.data(), MPI_INT64_T,
                       MPI_COMM_WORLD);
        REQUIRE(all.size() == b);
        for (std::size_t i = 0; i < b; ++i) CHECK(all[i] == static_cast<std::int64_t>(i));
    }
}

TEST_CASE("evaluation sums add up over the ranks, outputs gather in split order, rank 0's values reach all",
          "[mpi][shards]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const int r = world.rank();
    // {correct, examples, loss sum}: rank 0 saw 3 of 5 right with loss 1.25, rank 1 2 of 4 with loss 0.5.
    std::vector<double> sums = r == 0 ? std::vector<double>{3, 5, 1.25} : std::vector<double>{2, 4, 0.5};
    sum_over_ranks(world, sums);
    const std::int64_t correct = sum_over_ranks(world, std::int64_t{r == 0 ? 3 : 2});
    // 5 rows of width 2 hold 10·row + column: rank 0 computes rows 0-2, rank 1 rows 3-4.
    const Shard mine = shard_of(5, r, 2);
    std::vector<float> local;
    for (std::size_t row = mine.begin; row < mine.end(); ++row)
        for (int col = 0; col < 2; ++col) local.push_back(static_cast<float>(10 * row + col));
    const std::vector<float> gathered = gather_shards(world, local, 5, 2);
    // The same 5 rows in batches of 2: rank 0 computes batches {0, 1} and {2, 3}, rank 1 the short batch {4}.
    const Shard in_batches = batch_shard_of(5, 2, r, 2);
    std::vector<float> batched_rows;
    for (std::size_t row = in_batches.begin; row < in_batches.end(); ++row)
        for (int col = 0; col < 2; ++col) batched_rows.push_back(static_cast<float>(10 * row + col));
    const std::vector<float> gathered_in_batches = gather_shards(world, batched_rows, 5, 2, 2);
    std::vector<float> running = r == 0 ? std::vector<float>{0.5f, -1, 3} : std::vector<float>{7, 7, 7};
    broadcast_from_root(world, running);

    CHECK(sums == std::vector<double>{5, 9, 1.75});
    CHECK(correct == 5);
    CHECK(running == std::vector<float>{0.5f, -1, 3});
    if (world.root()) {
        CHECK(gathered == std::vector<float>{0, 1, 10, 11, 20, 21, 30, 31, 40, 41});
        CHECK(gathered_in_batches == gathered);
    } else {
        CHECK(gathered.empty());
        CHECK(gathered_in_batches.empty());
    }
}
