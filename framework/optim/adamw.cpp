#include "framework/optim/adamw.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include "framework/core/error.hpp"
#include "framework/optim/parameter_slots.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::optim {
namespace {

using Coefficients = detail::AdamWCoefficients;
using Kernel = detail::AdamWKernel;

constexpr std::int64_t kChunk = runtime::kChunkElements;
// The largest step count a float holds exactly, every smaller count too.
constexpr std::int64_t kMaxSteps = std::int64_t{1} << 24;

constexpr std::string_view kExpAvg = ".exp_avg", kExpAvgSq = ".exp_avg_sq", kStep = ".step";

// torch 1.13's _single_tensor_adamw on elements [begin, end), one tensor operation at a time in float: mul_, then
// mul_ and add_ (a + α·b), mul_ and addcmul_ (a + (α·b)·c), sqrt, div, add_ and addcdiv_ (a + (α·b)/c). PyTorch's
// CPU kernels fuse the add_ and addcmul_ into one rounding (vec::fmadd, and the compiler's contraction in their
// scalar tails), so those two are std::fma here: the same bits as torch wherever it has FMA. The buffers are
// distinct tensors, so the loop has no aliasing; without decay it skips the multiplication by 1.
template <bool Decay>
[[gnu::always_inline]] inline void update_loop(float* __restrict p, const float* __restrict grad,
                                               float* __restrict exp_avg, float* __restrict exp_avg_sq,
                                               const Coefficients c, std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
        float x = p[i];
        if constexpr (Decay) x = x * c.decay_factor;
        const float g = grad[i];
        const float m = std::fma(c.one_minus_beta1, g, exp_avg[i] * c.beta1);
        const float v = std::fma(c.one_minus_beta2 * g, g, exp_avg_sq[i] * c.beta2);
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        const float denom = std::sqrt(v) / c.bias2_sqrt + c.eps;
        p[i] = x + c.neg_step_size * m / denom;
    }
}

template <bool Decay>
void update_kernel(float* p, const float* grad, float* exp_avg, float* exp_avg_sq, const Coefficients c,
                   std::int64_t begin, std::int64_t end) {
    update_loop<Decay>(p, grad, exp_avg, exp_avg_sq, c, begin, end);
}

// The same loop where the CPU has FMA: vectorised with the instruction, not a call per element to the library's
// fmaf. Every operation rounds once either way (fma, sqrt, division), so both kernels give the same bits.
template <bool Decay>
[[gnu::target("avx2,fma")]] void update_kernel_fma(float* p, const float* grad, float* exp_avg, float* exp_avg_sq,
                                                   const Coefficients c, std::int64_t begin, std::int64_t end) {
    update_loop<Decay>(p, grad, exp_avg, exp_avg_sq, c, begin, end);
}

Kernel pick_kernel(bool decay) {
    static const bool fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (fma) return decay ? &update_kernel_fma<true> : &update_kernel_fma<false>;
    return decay ? &update_kernel<true> : &update_kernel<false>;
}

Coefficients coefficients(const AdamWOptions& o, bool decay, std::int64_t t) {
    const double steps = static_cast<double>(t);
    const double bias1 = 1.0 - std::pow(o.beta1, steps), bias2 = 1.0 - std::pow(o.beta2, steps);
    return {static_cast<float>(1.0 - o.lr * (decay ? o.weight_decay : 0.0)),
            static_cast<float>(o.beta1),
            static_cast<float>(1.0 - o.beta1),
            static_cast<float>(o.beta2),
            static_cast<float>(1.0 - o.beta2),
            static_cast<float>(std::sqrt(bias2)),
            static_cast<float>(o.eps),
            static_cast<float>(-(o.lr / bias1))};
}

// The parameter an entry of the state belongs to and which of its three entries it is.
std::pair<std::string, std::string_view> split_entry(const std::string& entry) {
    for (const std::string_view suffix : {kExpAvgSq, kExpAvg, kStep})
        if (entry.size() > suffix.size() && entry.ends_with(suffix))
            return {entry.substr(0, entry.size() - suffix.size()), suffix};
    fail("AdamW state: '{}' is not an AdamW entry (<parameter>{}, {} or {})", entry, kExpAvg, kExpAvgSq, kStep);
}

// The step count an entry holds: a whole number in [1, kMaxSteps].
std::int64_t stored_steps(const std::string& entry, const Tensor& t) {
    if (!t.defined() || t.numel() != 1)
        fail("AdamW state: '{}' has shape {}, a step count has [1]", entry,
             t.defined() ? t.shape().str() : "undefined");
    const float v = t.at(0);
    if (!(v >= 1.0f && v <= static_cast<float>(kMaxSteps) && v == std::floor(v)))
        fail("AdamW state: '{}' is {}, not a whole number of steps in [1, {}]", entry, v, kMaxSteps);
    return static_cast<std::int64_t>(v);
}

}  // namespace

AdamW::AdamW(std::vector<nn::NamedParameter> params, AdamWOptions options) : options_(options) {
    if (!(options.lr > 0.0)) fail("AdamW: lr must be > 0, got {}", options.lr);
    for (const double beta : {options.beta1, options.beta2})
        if (!(beta >= 0.0 && beta < 1.0)) fail("AdamW: betas must be in [0, 1), got {}", beta);
    if (!(options.eps > 0.0)) fail("AdamW: eps must be > 0, got {}", options.eps);
    if (!(options.weight_decay >= 0.0)) fail("AdamW: weight_decay must be >= 0, got {}", options.weight_decay);
    check_parameters("AdamW", params);
    chunks_.reserve(static_cast<std::size_t>(chunk_count(params, kChunk)));
    slots_.reserve(params.size());
    for (auto& p : params) {
        const bool decay = decays(p, options.decay_biases_and_norm);
        const Shape shape = p.var.shape();
        slots_.push_back({std::move(p), Tensor::zeros(shape), Tensor::zeros(shape), Tensor::zeros({1}), 0, decay});
    }
}

void AdamW::step() {
    chunks_.clear();
    for (Slot& s : slots_) {
        const Tensor* grad = checked_gradient("AdamW", s.param);
        if (!grad) continue;
        Variable& var = s.param.var;
        if (s.steps == kMaxSteps)
            fail("AdamW: '{}' has taken {} steps, the most a float counts", s.param.name, kMaxSteps);
        ++s.steps;
        s.step.values_in_place()[0] = static_cast<float>(s.steps);
        const Coefficients c = coefficients(options_, s.decay, s.steps);
        const Kernel update = pick_kernel(c.decay_factor != 1.0f);
        float* p = var.value().values_in_place().data();
        float* m = s.exp_avg.values_in_place().data();
        float* v = s.exp_avg_sq.values_in_place().data();
        const std::int64_t n = var.value().numel();
        for (std::int64_t begin = 0; begin < n; begin += kChunk)
            chunks_.push_back({update, p, grad->data(), m, v, c, begin, std::min(n, begin + kChunk)});
    }
    // Every parameter's chunks in one parallel loop, as SGD's step: one fork of the team per step.
    runtime::parallel_for(static_cast<std::int64_t>(chunks_.size()), [&](std::int64_t i) {
        const detail::AdamWChunk& k = chunks_[static_cast<std::size_t>(i)];
        k.update(k.p, k.grad, k.exp_avg, k.exp_avg_sq, k.c, k.begin, k.end);
    });
}

void AdamW::zero_grad() { clear_gradients(slots_); }

void AdamW::set_lr(double lr) { options_.lr = checked_lr("AdamW", lr); }

nn::StateDict AdamW::export_state(bool copy) const {
    nn::StateDict out;
    const auto put = [&](const Slot& s, std::string_view suffix, const Tensor& t) {
        out[s.param.name + std::string(suffix)] = copy ? t.clone() : t;
    };
    for (const Slot& s : slots_) {
        if (s.steps == 0) continue;
        put(s, kExpAvg, s.exp_avg);
        put(s, kExpAvgSq, s.exp_avg_sq);
        put(s, kStep, s.step);
    }
    return out;
}

nn::StateDict AdamW::state() const { return export_state(true); }

nn::StateDict AdamW::state_view() const { return export_state(false); }

void AdamW::load_state(const nn::StateDict& state) {
    std::vector<int> entries(slots_.size(), 0);
    for (const auto& [entry, t] : state) {
        const auto [name, suffix] = split_entry(entry);
        const std::size_t i = slot_of("AdamW", slots_, name);
        ++entries[i];
        if (suffix == kStep) {
            stored_steps(entry, t);
        } else if (!t.defined() || !(t.shape() == slots_[i].exp_avg.shape())) {
            fail("AdamW state: '{}' has shape {}, the parameter {}", entry, t.defined() ? t.shape().str() : "undefined",
                 slots_[i].exp_avg.shape().str());
        }
    }
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (entries[i] != 0 && entries[i] != 3)
            fail("AdamW state: '{}' has {} of its entries {}, {} and {}", slots_[i].param.name, entries[i], kExpAvg,
                 kExpAvgSq, kStep);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        Slot& s = slots_[i];
        s.steps = 0;
        if (entries[i] == 0) {  // PyTorch starts a parameter without state from zero moments
            s.exp_avg.fill(0.0f);
            s.exp_avg_sq.fill(0.0f);
            continue;
        }
        s.exp_avg.copy_from(state.at(s.param.name + std::string(kExpAvg)));
        s.exp_avg_sq.copy_from(state.at(s.param.name + std::string(kExpAvgSq)));
        s.steps = stored_steps(s.param.name + std::string(kStep), state.at(s.param.name + std::string(kStep)));
        s.step.copy_from(state.at(s.param.name + std::string(kStep)));
    }
}

}  // namespace lskd::optim
