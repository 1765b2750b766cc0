// The World of the test process, made by tests/distributed/main.cpp from its environment: launched under
// `mpirun -n 2` (the cases tagged [mpi]), a world of one rank without MPI otherwise.
#pragma once
#include <filesystem>
#include <string>

#include "framework/distributed/world.hpp"

namespace lskd::testing {

const distributed::World& test_world();

// A fresh, empty folder that every rank sees under the same path, named after rank 0's process; collective.
std::filesystem::path shared_dir(const distributed::World& world, const std::string& name);

}  // namespace lskd::testing
