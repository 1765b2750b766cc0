#include "distill/run_precision.hpp"

#include "framework/core/error.hpp"

namespace lskd::distill {

ops::Precision checked_precision(const std::string& name, const std::string& what) {
    if (name == "f32") return ops::Precision::f32;
    if (name != "bf16") fail("{}: unknown precision '{}' (expected f32 or bf16)", what, name);
    if (!ops::cpu_has_bf16())
        fail("{}: precision bf16 needs a CPU with the avx512_bf16 or amx_bf16 flag (see /proc/cpuinfo), and oneDNN "
             "allowed to use it (ONEDNN_MAX_CPU_ISA); this CPU has neither: use precision f32",
             what);
    return ops::Precision::bf16;
}

ops::Precision run_precision(const RunConfig& config, const std::string& what) {
    return checked_precision(config.precision, what);
}

}  // namespace lskd::distill
