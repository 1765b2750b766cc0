// Central finite-difference gradient check: the op's output is reduced to a scalar with fixed random
// weights r (accumulated in double), and each input element's analytic gradient of Σ r·f is compared
// with (L(x+h) − L(x−h)) / 2h.
#pragma once
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/autograd/variable.hpp"
#include "framework/core/random.hpp"
#include "tests/random_tensor.hpp"

namespace lskd::testing {

using OpFn = std::function<Variable(const std::vector<Variable>&)>;

inline double weighted_sum(const Tensor& out, const Tensor& r) {
    double s = 0.0;
    for (std::int64_t i = 0; i < out.numel(); ++i) s += static_cast<double>(out.at(i)) * r.at(i);
    return s;
}

struct GradcheckResult {
    double max_abs_error = 0.0;
    double max_rel_error = 0.0;
    std::int64_t checked = 0;
};

// Inputs with requires_grad are checked; others are held constant.
inline GradcheckResult gradcheck(const OpFn& f, std::vector<Variable> inputs, std::uint64_t seed = 7, float h = 1e-2f) {
    Rng rng(seed, 99);
    Variable out = f(inputs);
    Tensor r = random_tensor(out.shape(), rng);
    for (auto& in : inputs) in.grad() = Tensor();
    out.backward(r);

    GradcheckResult result;
    for (auto& in : inputs) {
        if (!in.requires_grad()) continue;
        REQUIRE(in.grad().defined());
        Tensor analytic = in.grad().clone();
        for (std::int64_t i = 0; i < in.value().numel(); ++i) {
            // In-place writes bump the version, so conv2d re-prepares a perturbed weight.
            const float saved = in.value().at(i);
            in.value().values_in_place()[i] = saved + h;
            const double plus = weighted_sum(f(inputs).value(), r);
            in.value().values_in_place()[i] = saved - h;
            const double minus = weighted_sum(f(inputs).value(), r);
            in.value().values_in_place()[i] = saved;
            const double numeric = (plus - minus) / (2.0 * h);
            const double err = std::abs(numeric - analytic.at(i));
            result.max_abs_error = std::max(result.max_abs_error, err);
            result.max_rel_error = std::max(result.max_rel_error, err / std::max(1.0, std::abs(numeric)));
            ++result.checked;
        }
        in.grad() = Tensor();
    }
    return result;
}

}  // namespace lskd::testing
