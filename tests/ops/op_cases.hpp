// One gradient-check case per OpKind: small random inputs (kept away from ReLU and max-pool kinks) and
// the function to check. test_gradcheck walks every kind, so a new op without a case fails the suite.
#pragma once
#include <map>
#include <vector>

#include "framework/ops/op_kind.hpp"
#include "tests/ops/gradcheck.hpp"

namespace lskd::testing {

struct OpCase {
    OpFn fn;
    std::vector<Variable> inputs;
    double tolerance = 2e-2;
};

// Values in ±[0.2, 1], so that no small perturbation crosses zero.
inline Tensor away_from_zero(const Shape& shape, Rng& rng) {
    Tensor t = random_tensor(shape, rng, 0.2f, 1.0f);
    for (auto& v : t.values())
        if (rng.uniform() < 0.5f) v = -v;
    return t;
}

// Distinct values spaced by at least `gap`, shuffled, so a max-pool window has a clear winner.
inline Tensor distinct_values(const Shape& shape, Rng& rng, float gap = 0.05f) {
    Tensor t = Tensor::empty(shape);
    for (std::int64_t i = 0; i < t.numel(); ++i) t.at(i) = gap * static_cast<float>(i) - 0.5f * gap * t.numel();
    for (std::int64_t i = t.numel() - 1; i > 0; --i)
        std::swap(t.at(i), t.at(static_cast<std::int64_t>(rng.below(i + 1))));
    return t;
}

std::map<OpKind, OpCase> op_cases();

}  // namespace lskd::testing
