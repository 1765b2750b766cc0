#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/distributed/launcher.hpp"
#include "framework/distributed/world.hpp"
#include "tests/distributed/test_world.hpp"

using namespace lskd::distributed;
using Catch::Matchers::Contains;

TEST_CASE("no launcher variables: not launched, one rank") {
    const Launch l = detect_launch(Environment{{"HOME", "/root"}, {"OMP_NUM_THREADS", "2"}});
    CHECK_FALSE(l.launched);
    CHECK(l.launcher.empty());
    CHECK(l.rank == 0);
    CHECK(l.size == 1);
}

TEST_CASE("Open MPI's mpirun is recognised with its rank and size") {
    const Launch l = detect_launch({{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "4"}, {"PMIX_RANK", "1"}});
    CHECK(l.launched);
    CHECK(l.launcher == "Open MPI");
    CHECK(l.rank == 1);
    CHECK(l.size == 4);
}

TEST_CASE("a PMIx launcher is recognised, the size left to MPI") {
    const Launch l = detect_launch({{"PMIX_RANK", "3"}});
    CHECK(l.launched);
    CHECK(l.launcher == "PMIx");
    CHECK(l.rank == 3);
    CHECK(l.size == -1);
}

TEST_CASE("a PMI launcher (hydra, srun --mpi=pmi2) is recognised") {
    const Launch l = detect_launch({{"PMI_RANK", "0"}, {"PMI_SIZE", "2"}});
    CHECK(l.launched);
    CHECK(l.launcher == "PMI");
    CHECK(l.size == 2);
}

TEST_CASE("a Slurm batch script is not a launch, though it sees SLURM_PROCID and SLURM_NTASKS") {
    const Launch l = detect_launch({{"SLURM_JOB_ID", "77"}, {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}});
    CHECK_FALSE(l.launched);
}

TEST_CASE("an srun step with an MPI plugin is a launch") {
    const Launch l = detect_launch(
        {{"SLURM_STEP_ID", "0"}, {"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_MPI_TYPE", "pmi2_custom"}});
    CHECK(l.launched);
    CHECK(l.launcher == "srun");
    CHECK(l.rank == 5);
    CHECK(l.size == 8);
}

TEST_CASE("an srun step of several tasks without an MPI plugin is refused, of one task it is a plain run") {
    CHECK_THROWS_WITH(
        detect_launch(
            {{"SLURM_STEP_ID", "0"}, {"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "4"}, {"SLURM_MPI_TYPE", "none"}}),
        Contains("one of 4 tasks without an MPI plugin") && Contains("--mpi=pmix"));
    CHECK_THROWS_WITH(detect_launch({{"SLURM_STEP_ID", "0"}, {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "3"}}),
                      Contains("SLURM_MPI_TYPE unset"));
    CHECK_FALSE(
        detect_launch(
            {{"SLURM_STEP_ID", "0"}, {"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}, {"SLURM_STEP_NUM_TASKS", "1"}})
            .launched);
}

TEST_CASE("malformed launcher variables are Errors naming the variable") {
    CHECK_THROWS_WITH(detect_launch({{"OMPI_COMM_WORLD_RANK", "one"}, {"OMPI_COMM_WORLD_SIZE", "2"}}),
                      Contains("OMPI_COMM_WORLD_RANK='one'"));
    CHECK_THROWS_WITH(detect_launch({{"OMPI_COMM_WORLD_RANK", "0"}}), Contains("no OMPI_COMM_WORLD_SIZE"));
    CHECK_THROWS_WITH(detect_launch({{"PMI_RANK", "2"}, {"PMI_SIZE", "2"}}),
                      Contains("rank 2 is not below the size 2"));
    CHECK_THROWS_WITH(detect_launch({{"PMI_RANK", "-1"}, {"PMI_SIZE", "2"}}), Contains("PMI_RANK='-1'"));
}

TEST_CASE("a World that was not launched is one rank and leaves MPI uninitialised") {
    // The test process itself, started by CTest without mpirun, made its World from its environment.
    CHECK_FALSE(lskd::testing::test_world().launched());
    CHECK_FALSE(mpi_initialized());
    World world(Launch{}, ThreadSupport::multiple);
    CHECK_FALSE(world.launched());
    CHECK(world.rank() == 0);
    CHECK(world.size() == 1);
    CHECK(world.root());
    CHECK(world.finish(3) == 3);
    CHECK_FALSE(mpi_initialized());
}
