#include <cstdio>

#include <fmt/format.h>

#include "tools/lskd/command.hpp"

namespace lskd::cli {
namespace {
const distributed::World* g_world = nullptr;
}

const distributed::World& process_world() {
    static const distributed::World alone{distributed::Launch{}};
    return g_world != nullptr ? *g_world : alone;
}

void set_process_world(const distributed::World* world) { g_world = world; }

void require_one_process(const std::string& command) {
    const distributed::World& world = process_world();
    if (world.size() == 1) return;
    if (world.root())
        fmt::print(stderr,
                   "lskd {}: runs in one process, but was started as {} MPI ranks; run it without mpirun or srun "
                   "(or with one rank)\n",
                   command, world.size());
    world.exit_together(2);
}

}  // namespace lskd::cli
