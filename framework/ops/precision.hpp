// The compute precision of this thread's convolutions, inner products (linear), batched matmuls (attention) and
// their backward passes: f32, or bf16 operands with f32 accumulation and f32 outputs (docs/speed.md, "bf16 mixed
// precision"). Everything else (master weights, optimizer state, batch and layer norm, losses, softmax) computes in
// f32 in both; under bf16, activations between a ResNet's convolutions, batch norms and blocks are stored bf16
// (post_ops.hpp, Bf16Io). A run sets it for its whole life.
#pragma once
#include <string>

namespace lskd::ops {

enum class Precision { f32, bf16 };

Precision compute_precision();

// Sets the thread's compute precision until destroyed, then restores the previous one.
class PrecisionGuard {
public:
    explicit PrecisionGuard(Precision p);
    ~PrecisionGuard();
    PrecisionGuard(const PrecisionGuard&) = delete;
    PrecisionGuard& operator=(const PrecisionGuard&) = delete;

private:
    Precision previous_;
};

// Whether oneDNN runs bf16 in hardware here: the CPU has avx512_bf16 or amx_bf16 (and oneDNN may use them).
bool cpu_has_bf16();
// Whether oneDNN has any bf16 implementation here, native or emulated (AVX-512 without avx512_bf16 emulates it;
// AVX2-only CPUs have none).
bool bf16_available();

}  // namespace lskd::ops
