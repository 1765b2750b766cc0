// Catch2's main for tests/distributed, inside a World as lskd's own main will be: a case that fails on one rank
// fails the job (World::finish aborts it) instead of leaving the other rank waiting in a collective.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <mpi.h>
#include <unistd.h>

#include "framework/distributed/launcher.hpp"
#include "tests/distributed/test_world.hpp"

namespace {
const lskd::distributed::World* g_world = nullptr;
}

const lskd::distributed::World& lskd::testing::test_world() { return *g_world; }

std::filesystem::path lskd::testing::shared_dir(const distributed::World& world, const std::string& name) {
    int pid = static_cast<int>(::getpid());
    if (world.launched()) MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
    const auto dir = std::filesystem::temp_directory_path() / ("lskd-tests-" + name + "-" + std::to_string(pid));
    if (world.root()) {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    if (world.launched()) MPI_Barrier(MPI_COMM_WORLD);
    return dir;
}

int main(int argc, char** argv) {
    lskd::distributed::World world(lskd::distributed::detect_launch(), lskd::distributed::ThreadSupport::multiple);
    g_world = &world;
    const int failed = Catch::Session().run(argc, argv);
    return world.finish(failed == 0 ? 0 : 1);
}
