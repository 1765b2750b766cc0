#include <catch2/catch.hpp>

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "framework/core/error.hpp"
#include "framework/distributed/task_dispatcher.hpp"
#include "framework/distributed/work_queue.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
using namespace lskd::distributed;
namespace fs = std::filesystem;

namespace {

// Two teachers (0, 1), students of teacher 0 (2, 3, 4) and of teacher 1 (5, 6), and a baseline (7).
TaskGraph sweep_like_graph() { return {{{}, {}, {0}, {0}, {0}, {1}, {1}, {}}, {}}; }

// Every rank's list of tasks, on every rank.
std::vector<std::vector<std::size_t>> all_ranks(const std::vector<std::size_t>& mine) {
    std::vector<int> local(mine.begin(), mine.end());
    int count = static_cast<int>(local.size());
    std::vector<int> counts(2), offsets{0, 0};
    MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
    offsets[1] = counts[0];
    std::vector<int> all(static_cast<std::size_t>(counts[0] + counts[1]));
    MPI_Allgatherv(local.data(), count, MPI_INT, all.data(), counts.data(), offsets.data(), MPI_INT, MPI_COMM_WORLD);
    return {std::vector<std::size_t>(all.begin(), all.begin() + counts[0]),
            std::vector<std::size_t>(all.begin() + counts[0], all.end())};
}

}  // namespace

TEST_CASE("the dispatcher hands out the lowest ready task and holds back one whose prerequisite is not done") {
    TaskDispatcher d({{{}, {0}, {}}, {}});
    CHECK(d.take() == 0u);
    CHECK(d.take() == 2u);  // 1 waits for 0
    CHECK_FALSE(d.take());
    CHECK_FALSE(d.all_handed_out());
    d.complete(0);
    CHECK(d.take() == 1u);
    CHECK(d.all_handed_out());
    CHECK_FALSE(d.all_done());
    d.complete(2);
    d.complete(1);
    CHECK(d.all_done());
    CHECK_FALSE(d.take());
}

TEST_CASE("tasks already done are never handed out and count as done prerequisites") {
    TaskDispatcher d({{{}, {0}, {1}}, {true, false, false}});
    CHECK(d.take() == 1u);
    CHECK_FALSE(d.take());
    d.complete(1);
    CHECK(d.take() == 2u);
}

TEST_CASE("a bad task graph or a wrong report is an Error") {
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(TaskDispatcher({{{}, {1}}, {}}), Contains("task 1 needs task 1, which does not come before it"));
    CHECK_THROWS_WITH(TaskDispatcher({{{}, {}}, {true}}), Contains("1 done flags for 2 tasks"));
    TaskDispatcher d({{{}, {}}, {}});
    CHECK_THROWS_WITH(d.complete(1), Contains("never handed out"));
    d.take();
    d.complete(0);
    CHECK_THROWS_WITH(d.complete(0), Contains("reported done twice"));
}

TEST_CASE("one process runs every task not done in numbering order, without MPI") {
    TaskGraph g = sweep_like_graph();
    g.done.assign(8, false);
    g.done[1] = true;
    std::vector<std::size_t> seen;
    const auto ran = run_in_order(g, [&](std::size_t t) { seen.push_back(t); });
    CHECK(ran == std::vector<std::size_t>{0, 2, 3, 4, 5, 6, 7});
    CHECK(seen == ran);
    const World one(Launch{});
    CHECK(run_work_queue(one, sweep_like_graph(), [](std::size_t) {}) ==
          std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("two ranks run every task exactly once, each after its prerequisites", "[mpi][queue]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    REQUIRE(world.multiple_threads());
    const TaskGraph graph = sweep_like_graph();
    const fs::path dir = lskd::testing::shared_dir(world, "queue");
    // Each task checks, as a student would look for its teacher's run, that its prerequisites' files exist,
    // then works a while and leaves its own file. The teachers take longest, so the other rank must wait for them.
    int early = 0;
    const auto ran = run_work_queue(world, graph, [&](std::size_t t) {
        for (std::size_t p : graph.prerequisites[t])
            if (!fs::exists(dir / std::to_string(p))) ++early;
        std::this_thread::sleep_for(std::chrono::milliseconds(t < 2 ? 150 : 30));
        std::ofstream(dir / std::to_string(t)) << t;
    });
    int early_total = 0;
    MPI_Allreduce(&early, &early_total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    const auto by_rank = all_ranks(ran);
    MPI_Barrier(MPI_COMM_WORLD);
    if (world.root()) fs::remove_all(dir);

    CHECK(early_total == 0);
    std::vector<std::size_t> every = by_rank[0];
    every.insert(every.end(), by_rank[1].begin(), by_rank[1].end());
    std::sort(every.begin(), every.end());
    CHECK(every == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7});
    CHECK_FALSE(by_rank[0].empty());  // rank 0 works too
    CHECK_FALSE(by_rank[1].empty());
}

TEST_CASE("a dispatching-only rank 0 leaves every task, in order, to the other rank", "[mpi][queue]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    TaskGraph graph = sweep_like_graph();
    graph.done.assign(8, false);
    graph.done[0] = true;  // a teacher whose run is complete already
    QueueOptions options;
    options.root_works = false;
    options.poll = std::chrono::milliseconds(1);
    const auto by_rank = all_ranks(run_work_queue(
        world, graph, [](std::size_t) {}, options));
    CHECK(by_rank[0].empty());
    CHECK(by_rank[1] == std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("a queue with nothing left to do ends on both ranks", "[mpi][queue]") {
    const World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const TaskGraph graph{{{}, {0}}, {true, true}};
    const auto by_rank = all_ranks(run_work_queue(world, graph, [](std::size_t) { FAIL("no task should run"); }));
    CHECK(by_rank[0].empty());
    CHECK(by_rank[1].empty());
}
