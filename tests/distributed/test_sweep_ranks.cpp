// lskd sweep over the ranks of an MPI job (study/sweep.hpp): every run trained once, by one rank, and the summary
// rank 0 writes equal to the summary of the same sweep in one process.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "framework/distributed/rank_sums.hpp"
#include "study/sweep.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

// 1 teacher, 2 students, 1 baseline; the tiny recipe of tests/study/test_sweep.cpp, one thread per run.
std::string tiny_sweep() {
    const std::string recipe =
        "max-train: 600, max-test: 300, val-size: 200, batch: 64, lr: 0.05, threads: 1, epochs: 2";
    return fmt::format(R"(
output: unused
seeds: [1]
teacher: {{model: mlp, alphas: [0.1], recipe: {{hidden: [32], {}}}}}
student: {{model: mlp, recipe: {{hidden: [16], {}}}}}
distill:
  - {{teacher-alpha: 0.1, temperatures: [1, 4]}}
baselines: {{alphas: [0]}}
)",
                       recipe, recipe);
}

}  // namespace

TEST_CASE("a sweep shared by two ranks trains each run once and matches one process", "[mpi][sweep]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const fs::path dir = testing::shared_dir(world, "sweep-ranks");
    const study::SweepConfig config = study::parse_sweep_config(tiny_sweep(), "tiny.yaml");

    study::SweepOptions o;
    o.quiet = true;
    o.world = &world;
    o.output = (dir / "ranks").string();
    std::int64_t trained_here = 0;
    o.after_run = [&](const study::PlannedRun&) { ++trained_here; };
    const study::SweepResult shared = study::run_sweep(config, o);
    CHECK(distributed::sum_over_ranks(world, trained_here) == 4);  // each run once, none twice

    // --jobs would start child processes beside the ranks.
    study::SweepOptions with_jobs = o;
    with_jobs.jobs = 2;
    CHECK_THROWS_WITH(study::run_sweep(config, with_jobs), Catch::Contains("under an MPI launcher"));

    if (world.root()) {
        REQUIRE(shared.rows.size() == 4);
        CHECK(shared.trained == 4);
        CHECK(fs::exists(dir / "ranks" / "summary.csv"));
        study::SweepOptions alone;
        alone.quiet = true;
        alone.output = (dir / "alone").string();
        const study::SweepResult one = study::run_sweep(config, alone);
        REQUIRE(one.rows.size() == 4);
        for (std::size_t i = 0; i < 4; ++i) {
            INFO(one.rows[i].file);
            CHECK(shared.rows[i].file == one.rows[i].file);
            CHECK(shared.rows[i].test_acc == one.rows[i].test_acc);
            CHECK(shared.rows[i].test_nll == one.rows[i].test_nll);
            CHECK(shared.rows[i].val_acc == one.rows[i].val_acc);
            CHECK(shared.rows[i].gamma == one.rows[i].gamma);
        }
        CHECK(study::format_summary(shared.rows) == study::format_summary(one.rows));
    }
    distributed::sum_over_ranks(world, std::int64_t{0});  // rank 1 keeps the folder until rank 0 is done with it
    if (world.root()) fs::remove_all(dir);
}
