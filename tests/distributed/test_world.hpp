// The World of the test process, made by tests/distributed/main.cpp from its environment: launched under
// `mpirun -n 2` (the cases tagged [mpi]), a world of one rank without MPI otherwise.
#pragma once
#include "framework/distributed/world.hpp"

namespace lskd::testing {

const distributed::World& test_world();

}  // namespace lskd::testing
