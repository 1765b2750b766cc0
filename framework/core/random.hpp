// Deterministic random numbers that do not depend on the standard library's distributions (which differ
// between implementations): a counter-based hash for pure functions of (seed, keys...) and a small
// sequential generator for initialisers.
#pragma once
#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace lskd {

constexpr std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// A well-mixed 64-bit value that is a pure function of the seed and the keys, in order.
constexpr std::uint64_t hash_keys(std::uint64_t seed, std::initializer_list<std::uint64_t> keys) {
    std::uint64_t h = splitmix64(seed);
    for (std::uint64_t k : keys) h = splitmix64(h ^ splitmix64(k + 0x632BE59BD9B4E019ULL));
    return h;
}

// Uniform in [0, 1) from the top 24 bits, exactly representable as float.
constexpr float to_unit_float(std::uint64_t bits) { return static_cast<float>(bits >> 40) * 0x1.0p-24f; }

class Rng {
public:
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) : state_(hash_keys(seed, {stream})) {}

    std::uint64_t next_u64() { return splitmix64(state_++); }
    float uniform() { return to_unit_float(next_u64()); }
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next_u64()) * n) >> 64);
    }
    // Standard normal by Box-Muller, computed in double for portability of the last bits.
    float normal() {
        double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * 0x1.0p-53;
        double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
        return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }

private:
    std::uint64_t state_;
};

}  // namespace lskd
