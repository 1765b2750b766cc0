#include "framework/optim/clip_grad.hpp"

#include <cmath>

#include "framework/core/error.hpp"

namespace lskd::optim {
namespace {

// Over any list of parameters, `variable_of` picking each one's Variable: a walk of the list itself, so
// clipping allocates nothing (a training step clips every step).
template <typename P, typename VariableOf>
double clip(std::span<const P> params, double max_norm, VariableOf variable_of) {
    if (!(max_norm > 0.0)) fail("clip_grad_norm: max_norm must be > 0, got {}", max_norm);
    double sum_sq = 0.0;
    for (const P& p : params) {
        const Variable& v = variable_of(p);
        if (!v.defined() || !v.grad().defined()) continue;
        for (float g : v.grad().values()) sum_sq += static_cast<double>(g) * g;
    }
    const double norm = std::sqrt(sum_sq);
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0) {
        const auto scale = static_cast<float>(coef);
        for (const P& p : params) {
            Variable v = variable_of(p);
            if (!v.defined() || !v.grad().defined()) continue;
            Tensor& g = v.grad();
            if (!g.unique()) g = g.clone();
            for (float& x : g.values_in_place()) x *= scale;
        }
    }
    return norm;
}

}  // namespace

double clip_grad_norm(std::span<const Variable> params, double max_norm) {
    return clip(params, max_norm, [](const Variable& v) -> const Variable& { return v; });
}

double clip_grad_norm(std::span<const nn::NamedParameter> params, double max_norm) {
    return clip(params, max_norm, [](const nn::NamedParameter& p) -> const Variable& { return p.var; });
}

}  // namespace lskd::optim
