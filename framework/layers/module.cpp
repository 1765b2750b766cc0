#include "framework/layers/module.hpp"

#include <algorithm>
#include <unordered_set>

#include "framework/core/error.hpp"

namespace lskd::nn {
namespace {

std::string join(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
}

}  // namespace

void Module::check_new_name(const std::string& name) const {
    if (name.empty() || name.find('.') != std::string::npos)
        fail("module member name '{}' must be non-empty and contain no '.'", name);
    const auto taken = [&](const auto& slots) {
        return std::any_of(slots.begin(), slots.end(), [&](const auto& s) { return s.name == name; });
    };
    const bool child = std::any_of(children_.begin(), children_.end(), [&](const auto& c) { return c.first == name; });
    if (taken(params_) || taken(buffers_) || taken(counters_) || child)
        fail("module member name '{}' is registered twice", name);
}

Variable Module::register_parameter(std::string name, Tensor value, ParamKind kind) {
    check_new_name(name);
    if (!value.defined()) fail("parameter '{}' is registered without a value", name);
    Variable var(std::move(value), true);
    params_.push_back({std::move(name), var, kind});
    return var;
}

Tensor& Module::register_buffer(std::string name, Tensor value) {
    check_new_name(name);
    if (!value.defined()) fail("buffer '{}' is registered without a value", name);
    buffers_.push_back({std::move(name), std::move(value)});
    return buffers_.back().tensor;
}

std::uint64_t& Module::register_counter(std::string name, std::uint64_t value) {
    check_new_name(name);
    counters_.push_back({std::move(name), value});
    return counters_.back().value;
}

void Module::add_child(std::string name, std::shared_ptr<Module> module) {
    check_new_name(name);
    if (!module) fail("submodule '{}' is null", name);
    children_.emplace_back(std::move(name), std::move(module));
}

void Module::collect(const std::string& prefix, std::vector<std::pair<std::string, const Module*>>& out) const {
    out.emplace_back(prefix, this);
    for (const auto& [name, child] : children_) child->collect(join(prefix, name), out);
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
    std::vector<std::pair<std::string, const Module*>> all;
    collect("", all);
    // A module registered twice (shared weights) is listed once, under its first name, so the optimizer
    // updates its parameters once per step, as PyTorch does.
    std::unordered_set<const Module*> seen;
    std::vector<std::pair<std::string, const Module*>> unique;
    for (auto& entry : all)
        if (seen.insert(entry.second).second) unique.push_back(std::move(entry));
    return unique;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
    std::vector<std::pair<std::string, Module*>> out;
    for (auto& [name, m] : std::as_const(*this).named_modules()) out.emplace_back(name, const_cast<Module*>(m));
    return out;
}

std::vector<NamedParameter> Module::named_parameters() const {
    std::vector<NamedParameter> out;
    for (const auto& [prefix, m] : named_modules())
        for (const auto& p : m->params_) out.push_back({join(prefix, p.name), p.var, p.kind});
    return out;
}

std::vector<Variable> Module::parameters() const {
    std::vector<Variable> out;
    for (auto& p : named_parameters()) out.push_back(std::move(p.var));
    return out;
}

std::vector<NamedBuffer> Module::named_buffers() const {
    std::vector<NamedBuffer> out;
    for (const auto& [prefix, m] : named_modules())
        for (const auto& b : m->buffers_) out.push_back({join(prefix, b.name), b.tensor});
    return out;
}

CounterDict Module::named_counters() const {
    CounterDict out;
    for (const auto& [prefix, m] : named_modules())
        for (const auto& c : m->counters_) out[join(prefix, c.name)] = c.value;
    return out;
}

std::int64_t Module::num_parameters() const {
    std::int64_t n = 0;
    for (const auto& p : named_parameters()) n += p.var.value().numel();
    return n;
}

void Module::train(bool on) {
    for (auto& [prefix, m] : named_modules()) m->training_ = on;
}

Variable Module::forward_with(const Variable& x, const ops::PostOps& post) {
    ops::check_post_ops("module", post, fusable_post_ops());
    return forward(x);
}

// A walk of its own, not named_parameters(): it builds no names and no set, so the training step's zero_grad
// allocates nothing. A module registered twice is visited twice, which clearing a gradient does not mind.
void Module::zero_grad() {
    for (auto& p : params_) p.var.grad() = Tensor();
    for (auto& [name, child] : children_) child->zero_grad();
}

StateDict Module::state() const {
    StateDict out;
    for (const auto& p : named_parameters()) out[p.name] = p.var.value().clone();
    for (const auto& b : named_buffers()) out[b.name] = b.tensor.clone();
    return out;
}

StateDict Module::state_view() const {
    StateDict out;
    for (const auto& p : named_parameters()) out[p.name] = p.var.value();
    for (const auto& b : named_buffers()) out[b.name] = b.tensor;
    return out;
}

void Module::load_state(const StateDict& state) {
    std::map<std::string, Tensor> targets;  // sharing storage with the parameters and buffers
    for (auto& p : named_parameters()) targets[p.name] = p.var.value();
    for (auto& b : named_buffers()) targets[b.name] = b.tensor;

    // Check everything before copying anything, so a failed load leaves the model untouched.
    for (const auto& [name, target] : targets) {
        const auto it = state.find(name);
        if (it == state.end()) fail("load_state: '{}' is missing from the state", name);
        if (!it->second.defined() || !(it->second.shape() == target.shape()))
            fail("load_state: '{}' has shape {} in the state but {} in the model", name,
                 it->second.defined() ? it->second.shape().str() : "undefined", target.shape().str());
    }
    for (const auto& [name, value] : state)
        if (!targets.count(name)) fail("load_state: '{}' is not a parameter or buffer of the model", name);

    // copy_from bumps each version, so no op reuses weights it prepared from the old values.
    for (auto& [name, target] : targets) target.copy_from(state.at(name));
}

void Module::load_counters(const CounterDict& counters) {
    std::map<std::string, std::uint64_t*> targets;
    for (auto& [prefix, m] : named_modules())
        for (auto& c : m->counters_) targets[join(prefix, c.name)] = &c.value;
    for (const auto& [name, target] : targets)
        if (!counters.count(name)) fail("load_counters: '{}' is missing from the state", name);
    for (const auto& [name, value] : counters)
        if (!targets.count(name)) fail("load_counters: '{}' is not a counter of the model", name);
    for (auto& [name, target] : targets) *target = counters.at(name);
}

}  // namespace lskd::nn
