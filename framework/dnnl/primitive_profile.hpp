// Per-primitive accounting for `lskd bench`: while a PrimitiveProfile is alive, every BoundPrimitive run on
// the main thread is counted and timed, so a step's time can be split into primitives and the rest.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace lskd::dnnl_ctx {

class BoundPrimitive;

struct PrimitiveRuns {
    const BoundPrimitive* primitive = nullptr;
    std::uint64_t runs = 0;
    double seconds = 0.0;      // wall time inside run(), waits included
    double cpu_seconds = 0.0;  // CPU time of the process (all threads) inside run()
};

// Wall and process CPU time together: on a loaded machine CPU time is the steadier of the two.
struct Elapsed {
    double wall_s = 0.0, cpu_s = 0.0;
};
class Stopwatch {
public:
    Stopwatch();
    Elapsed elapsed() const;

private:
    double wall0_, cpu0_;
};

// Not nestable: one profile at a time. Records stay valid while the primitive caches live (process lifetime).
class PrimitiveProfile {
public:
    PrimitiveProfile();
    ~PrimitiveProfile();
    PrimitiveProfile(const PrimitiveProfile&) = delete;
    PrimitiveProfile& operator=(const PrimitiveProfile&) = delete;

    // In order of first run.
    const std::vector<PrimitiveRuns>& runs() const { return runs_; }
    // The active profile, or nullptr.
    static PrimitiveProfile* active();
    void add(const BoundPrimitive* primitive, Elapsed e);

private:
    std::vector<PrimitiveRuns> runs_;
    std::unordered_map<const BoundPrimitive*, std::size_t> index_;
};

}  // namespace lskd::dnnl_ctx
