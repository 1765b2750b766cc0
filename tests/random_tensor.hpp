// Tensors of uniform random values for tests, drawn from a generator or from a seed of their own.
#pragma once
#include <cstdint>

#include "framework/core/random.hpp"
#include "framework/tensor/tensor.hpp"

namespace lskd::testing {

inline Tensor random_tensor(const Shape& shape, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
    Tensor t = Tensor::empty(shape);
    for (auto& v : t.values()) v = rng.uniform(lo, hi);
    return t;
}

inline Tensor random_tensor(const Shape& shape, std::uint64_t seed) {
    Rng rng(seed);
    return random_tensor(shape, rng);
}

}  // namespace lskd::testing
