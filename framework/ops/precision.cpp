#include "framework/ops/precision.hpp"

#include "framework/dnnl/context.hpp"

namespace lskd::ops {
namespace {
thread_local Precision g_precision = Precision::f32;
}  // namespace

Precision compute_precision() { return g_precision; }

PrecisionGuard::PrecisionGuard(Precision p) : previous_(g_precision) { g_precision = p; }
PrecisionGuard::~PrecisionGuard() { g_precision = previous_; }

bool cpu_has_bf16() {
    const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
    return isa == dnnl::cpu_isa::avx512_core_bf16 || isa == dnnl::cpu_isa::avx512_core_amx;
}

bool bf16_available() {
    // oneDNN 2.6 gives bf16 primitives (jit or emulated) from avx512_core up, none below.
    const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
    return isa == dnnl::cpu_isa::avx512_core || isa == dnnl::cpu_isa::avx512_core_vnni || cpu_has_bf16();
}

}  // namespace lskd::ops
