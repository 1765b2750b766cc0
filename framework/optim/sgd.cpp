#include "framework/optim/sgd.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/optim/parameter_slots.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::optim {
namespace {

using Coefficients = detail::SgdCoefficients;
using Kernel = detail::SgdKernel;

constexpr std::int64_t kChunk = runtime::kChunkElements;

// PyTorch's _single_tensor_sgd on elements [begin, end), operation by operation in float. One kernel per
// combination of options, so the loop has no branch per element and no aliasing (the buffers are distinct
// tensors): the compiler vectorises it. The update is memory-bound (parameter, gradient and momentum read,
// parameter and momentum written), so one pass is all it can cost.
template <bool Decay, bool Momentum, bool Started, bool Nesterov>
void update_kernel(float* __restrict p, const float* __restrict grad, float* __restrict buf, const Coefficients c,
                   std::int64_t begin, std::int64_t end) {
    const float lr = c.lr, decay = c.weight_decay, mu = c.momentum, damp = c.one_minus_dampening;
    for (std::int64_t i = begin; i < end; ++i) {
        float g = grad[i];
        if constexpr (Decay) g = g + decay * p[i];
        if constexpr (Momentum) {
            const float b = Started ? mu * buf[i] + damp * g : g;
            buf[i] = b;
            g = Nesterov ? g + mu * b : b;
        }
        p[i] = p[i] - lr * g;
    }
}

template <std::size_t... I>
constexpr std::array<Kernel, sizeof...(I)> kernel_table(std::index_sequence<I...>) {
    return {&update_kernel<(I & 8) != 0, (I & 4) != 0, (I & 2) != 0, (I & 1) != 0>...};
}

Kernel pick_kernel(bool decay, bool momentum, bool started, bool nesterov) {
    static constexpr std::array<Kernel, 16> table = kernel_table(std::make_index_sequence<16>{});
    return table[(decay ? 8 : 0) + (momentum ? 4 : 0) + (started ? 2 : 0) + (nesterov ? 1 : 0)];
}

}  // namespace

SGD::SGD(std::vector<nn::NamedParameter> params, SgdOptions options) : options_(options) {
    if (!(options.lr > 0.0)) fail("SGD: lr must be > 0, got {}", options.lr);
    if (!(options.momentum >= 0.0)) fail("SGD: momentum must be >= 0, got {}", options.momentum);
    if (!(options.weight_decay >= 0.0)) fail("SGD: weight_decay must be >= 0, got {}", options.weight_decay);
    if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0))
        fail("SGD: Nesterov momentum needs momentum > 0 and zero dampening (as PyTorch)");
    check_parameters("SGD", params);
    chunks_.reserve(static_cast<std::size_t>(chunk_count(params, kChunk)));
    slots_.reserve(params.size());
    for (auto& p : params) {
        const bool decay = decays(p, options.decay_biases_and_norm);
        Tensor momentum = options.momentum != 0.0 ? Tensor::zeros(p.var.shape()) : Tensor();
        slots_.push_back({std::move(p), std::move(momentum), false, decay});
    }
}

void SGD::step() {
    chunks_.clear();
    for (Slot& s : slots_) {
        const Tensor* grad = checked_gradient("SGD", s.param);
        if (!grad) continue;
        Variable& var = s.param.var;
        const Coefficients c{
            static_cast<float>(options_.lr), s.decay ? static_cast<float>(options_.weight_decay) : 0.0f,
            static_cast<float>(options_.momentum), static_cast<float>(1.0 - options_.dampening), options_.nesterov};
        float* p = var.value().values_in_place().data();
        float* buf = s.momentum.defined() ? s.momentum.values_in_place().data() : nullptr;
        const Kernel update = pick_kernel(c.weight_decay != 0.0f, buf != nullptr, s.started, c.nesterov);
        const std::int64_t n = var.value().numel();
        for (std::int64_t begin = 0; begin < n; begin += kChunk)
            chunks_.push_back({update, p, grad->data(), buf, c, begin, std::min(n, begin + kChunk)});
        s.started = buf != nullptr;
    }
    // Every parameter's chunks in one parallel loop: one fork of the team per step, and the large tensors
    // spread over every thread whatever their order.
    runtime::parallel_for(static_cast<std::int64_t>(chunks_.size()), [&](std::int64_t i) {
        const detail::SgdChunk& k = chunks_[static_cast<std::size_t>(i)];
        k.update(k.p, k.grad, k.buf, k.c, k.begin, k.end);
    });
}

void SGD::zero_grad() { clear_gradients(slots_); }

void SGD::set_lr(double lr) { options_.lr = checked_lr("SGD", lr); }

nn::StateDict SGD::state() const {
    nn::StateDict out;
    for (const Slot& s : slots_)
        if (s.started) out[s.param.name] = s.momentum.clone();
    return out;
}

nn::StateDict SGD::state_view() const {
    nn::StateDict out;
    for (const Slot& s : slots_)
        if (s.started) out[s.param.name] = s.momentum;
    return out;
}

void SGD::load_state(const nn::StateDict& state) {
    if (options_.momentum == 0.0 && !state.empty())
        fail("SGD state: an optimizer without momentum keeps no state, got '{}'", state.begin()->first);
    for (const auto& [name, buf] : state) {
        const Slot& s = slots_[slot_of("SGD", slots_, name)];
        if (!buf.defined() || !(buf.shape() == s.momentum.shape()))
            fail("SGD state: momentum of '{}' has shape {}, the parameter {}", name,
                 buf.defined() ? buf.shape().str() : "undefined", s.momentum.shape().str());
    }
    for (Slot& s : slots_) s.started = false;
    for (const auto& [name, buf] : state) {
        Slot& s = slots_[slot_of("SGD", slots_, name)];
        s.momentum.copy_from(buf);
        s.started = true;
    }
}

}  // namespace lskd::optim
