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

}  // namespace lskd::cli
