// bf16 values as lskd stores them (framework/ops/post_ops.hpp, Bf16Io): the upper 16 bits of an f32, rounded to
// nearest even as oneDNN's conversions round, in the first half of a tensor's f32-sized storage.
#pragma once
#include <bit>
#include <cstdint>

namespace lskd {

inline std::uint16_t bf16_bits(float f) {
    const auto u = std::bit_cast<std::uint32_t>(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);  // NaN stays quiet NaN
    return static_cast<std::uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

inline float from_bf16_bits(std::uint16_t b) { return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16); }

}  // namespace lskd
