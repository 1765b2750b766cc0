#include "framework/optim/clip_grad.hpp"

#include <cmath>
#include <vector>

#include "framework/core/error.hpp"

namespace lskd::optim {

double clip_grad_norm(std::span<const Variable> params, double max_norm) {
    if (!(max_norm > 0.0)) fail("clip_grad_norm: max_norm must be > 0, got {}", max_norm);
    double sum_sq = 0.0;
    for (const Variable& v : params) {
        if (!v.defined() || !v.grad().defined()) continue;
        for (float g : v.grad().values()) sum_sq += static_cast<double>(g) * g;
    }
    const double norm = std::sqrt(sum_sq);
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0) {
        const auto scale = static_cast<float>(coef);
        for (Variable v : params) {
            if (!v.defined() || !v.grad().defined()) continue;
            Tensor& g = v.grad();
            if (!g.unique()) g = g.clone();
            for (float& x : g.values_in_place()) x *= scale;
        }
    }
    return norm;
}

double clip_grad_norm(std::span<const nn::NamedParameter> params, double max_norm) {
    std::vector<Variable> vars;
    vars.reserve(params.size());
    for (const auto& p : params) vars.push_back(p.var);
    return clip_grad_norm(std::span<const Variable>(vars), max_norm);
}

}  // namespace lskd::optim
