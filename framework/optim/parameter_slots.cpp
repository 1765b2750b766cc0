#include "framework/optim/parameter_slots.hpp"

#include <unordered_set>

namespace lskd::optim {

void check_parameters(std::string_view owner, const std::vector<nn::NamedParameter>& params) {
    std::unordered_set<std::string> names;
    std::unordered_set<const VarImpl*> vars;
    for (const auto& p : params) {
        if (!p.var.defined()) fail("{}: parameter '{}' is undefined", owner, p.name);
        if (!names.insert(p.name).second) fail("{}: parameter name '{}' appears twice", owner, p.name);
        if (!vars.insert(p.var.impl().get()).second) fail("{}: parameter '{}' is listed twice", owner, p.name);
    }
}

std::int64_t chunk_count(const std::vector<nn::NamedParameter>& params, std::int64_t chunk) {
    std::int64_t count = 0;
    for (const auto& p : params) count += (p.var.value().numel() + chunk - 1) / chunk;
    return count;
}

const Tensor* checked_gradient(std::string_view owner, nn::NamedParameter& p) {
    const Tensor& grad = p.var.grad();
    if (!grad.defined()) return nullptr;
    if (!(grad.shape() == p.var.shape()))
        fail("{}: gradient of '{}' has shape {}, the parameter {}", owner, p.name, grad.shape().str(),
             p.var.shape().str());
    return &grad;
}

double checked_lr(std::string_view owner, double lr) {
    if (!(lr >= 0.0)) fail("{}: lr must be >= 0, got {}", owner, lr);
    return lr;
}

}  // namespace lskd::optim
