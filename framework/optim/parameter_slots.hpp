// What SGD and AdamW share about the parameters they update: one check of the list they are given, the weight-decay
// rule, the per-step gradient check, finding a parameter's slot by name and clearing gradients. A slot is any
// struct with a `param` (nn::NamedParameter) member.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/layers/module.hpp"

namespace lskd::optim {

// Each parameter defined, each name and each variable listed once; `owner` ("SGD") names the optimizer in the Error.
void check_parameters(std::string_view owner, const std::vector<nn::NamedParameter>& params);

// Whether weight decay applies to `p`: always, or only to weights when biases and norms are exempt.
inline bool decays(const nn::NamedParameter& p, bool decay_biases_and_norm) {
    return decay_biases_and_norm || p.kind == nn::ParamKind::weight;
}

// How many chunks of `chunk` elements the parameters' updates split into (the capacity a step's work list needs).
std::int64_t chunk_count(const std::vector<nn::NamedParameter>& params, std::int64_t chunk);

// The gradient of `p`, or nullptr where it has none; a gradient of another shape than the parameter is an Error.
const Tensor* checked_gradient(std::string_view owner, nn::NamedParameter& p);

// A learning rate set during training: >= 0 (a schedule may reach 0).
double checked_lr(std::string_view owner, double lr);

template <class Slot>
std::size_t slot_of(std::string_view owner, const std::vector<Slot>& slots, const std::string& name) {
    for (std::size_t i = 0; i < slots.size(); ++i)
        if (slots[i].param.name == name) return i;
    fail("{} state: '{}' is not a parameter of this optimizer", owner, name);
}

template <class Slot>
void clear_gradients(std::vector<Slot>& slots) {
    for (Slot& s : slots) s.param.var.grad() = Tensor();
}

}  // namespace lskd::optim
