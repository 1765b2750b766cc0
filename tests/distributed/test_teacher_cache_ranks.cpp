// Two ranks that need one teacher's logits at once (two of its students handed to different ranks of a sweep):
// the cache file is built once, under its waiting lock (distill/teacher_cache.hpp), and the other rank reads it.
#include <catch2/catch.hpp>

#include <filesystem>

#include "distill/teacher.hpp"
#include "framework/distributed/rank_sums.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd;
namespace fs = std::filesystem;

TEST_CASE("two ranks racing for one teacher's logits compute them once", "[mpi][cache]") {
    const distributed::World& world = testing::test_world();
    REQUIRE(world.size() == 2);
    const fs::path dir = testing::shared_dir(world, "cache-ranks");
    distill::RunConfig teacher = testing::small_run_config((dir / "teacher").string());
    teacher.epochs = 1;
    if (world.root()) distill::train(teacher, testing::small_dataset(), testing::quiet());
    distributed::sum_over_ranks(world, std::int64_t{0});  // the teacher's file is complete before either asks

    distill::RunConfig student = testing::small_run_config("");
    student.hidden = {16};
    student.teacher = teacher.output;
    distill::TeacherOptions options;
    options.cache_dir = (dir / "teacher_cache").string();
    const auto opened = distill::open_teacher(student, testing::small_dataset(), options);
    const distill::CacheReport& report = opened->cache();
    CHECK(distributed::sum_over_ranks(world, std::int64_t{report.hit ? 0 : 1}) == 1);
    // The training split in batches of 256 (600 examples: 3), evaluated by one rank only.
    const auto batches = static_cast<std::int64_t>((testing::small_dataset().train.size() + 255) / 256);
    CHECK(batches == 3);
    CHECK(distributed::sum_over_ranks(world, report.forward_passes) == batches);
    std::vector<double> gammas(2, 0.0);
    gammas[static_cast<std::size_t>(world.rank())] = opened->info().gamma;
    distributed::sum_over_ranks(world, gammas);
    CHECK(gammas[0] == gammas[1]);  // the rank that read the cache has the logits of the rank that computed them

    distributed::sum_over_ranks(world, std::int64_t{0});
    if (world.root()) fs::remove_all(dir);
}
