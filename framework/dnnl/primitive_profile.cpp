#include "framework/dnnl/primitive_profile.hpp"

#include <ctime>

#include "framework/core/error.hpp"

namespace lskd::dnnl_ctx {
namespace {
PrimitiveProfile* g_active = nullptr;

double clock_seconds(clockid_t id) {
    timespec t{};
    clock_gettime(id, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
}  // namespace

Stopwatch::Stopwatch() : wall0_(clock_seconds(CLOCK_MONOTONIC)), cpu0_(clock_seconds(CLOCK_PROCESS_CPUTIME_ID)) {}

Elapsed Stopwatch::elapsed() const {
    return {clock_seconds(CLOCK_MONOTONIC) - wall0_, clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0_};
}

PrimitiveProfile::PrimitiveProfile() {
    LSKD_CHECK(g_active == nullptr, "a primitive profile is already active");
    g_active = this;
}

PrimitiveProfile::~PrimitiveProfile() { g_active = nullptr; }

PrimitiveProfile* PrimitiveProfile::active() { return g_active; }

void PrimitiveProfile::add(const BoundPrimitive* primitive, Elapsed e) {
    auto [it, fresh] = index_.emplace(primitive, runs_.size());
    if (fresh) runs_.push_back({primitive, 0, 0.0, 0.0});
    PrimitiveRuns& r = runs_[it->second];
    ++r.runs;
    r.seconds += e.wall_s;
    r.cpu_seconds += e.cpu_s;
}

}  // namespace lskd::dnnl_ctx
