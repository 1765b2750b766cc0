// optim::AdamW: Adam with decoupled weight decay, PyTorch's torch.optim.AdamW update rule (amsgrad off), and
// moment estimates and step counts that checkpoint by parameter name.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "framework/layers/module.hpp"
#include "framework/optim/optimizer.hpp"

namespace lskd::optim {

namespace detail {
struct AdamWCoefficients {
    float decay_factor;  // 1 − lr·wd
    float beta1, one_minus_beta1, beta2, one_minus_beta2;
    float bias2_sqrt;  // √(1 − β2^t)
    float eps;
    float neg_step_size;  // −lr / (1 − β1^t)
};
using AdamWKernel = void (*)(float*, const float*, float*, float*, AdamWCoefficients, std::int64_t, std::int64_t);
// Elements [begin, end) of one parameter's update: the unit step() splits over threads.
struct AdamWChunk {
    AdamWKernel update;
    float* p;
    const float* grad;
    float* exp_avg;
    float* exp_avg_sq;
    AdamWCoefficients c;
    std::int64_t begin, end;
};
}  // namespace detail

// PyTorch's defaults.
struct AdamWOptions {
    double lr = 0.0;  // must be set (> 0)
    double beta1 = 0.9, beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;
    // false: no weight decay on ParamKind::bias and ParamKind::norm parameters.
    bool decay_biases_and_norm = true;
};

// Per parameter p with gradient g (parameters whose gradient is undefined are skipped, their step count too),
// with t its count of updates including this one, in float, in this order (torch 1.13's _single_tensor_adamw):
//   p = p·(1 − lr·wd);  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g·g;
//   p = p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
// The scalar factors are worked out in double and rounded to float once, as PyTorch's Python scalars are.
class AdamW final : public Optimizer {
public:
    using Options = AdamWOptions;

    AdamW(std::vector<nn::NamedParameter> params, AdamWOptions options);

    void step() override;
    void zero_grad() override;
    void set_lr(double lr) override;
    double lr() const override { return options_.lr; }
    const AdamWOptions& options() const { return options_; }

    // Per parameter that has taken a step, named after it: "<name>.exp_avg" (m), "<name>.exp_avg_sq" (v) and
    // "<name>.step", a one-element tensor holding t as a float, as PyTorch keeps it (exact up to 2^24 updates).
    nn::StateDict state() const override;
    nn::StateDict state_view() const override;
    // Besides unknown names and shapes, a parameter given without all three entries, or a step that is not a
    // whole number in [1, 2^24], is an Error.
    void load_state(const nn::StateDict& state) override;

private:
    struct Slot {
        nn::NamedParameter param;
        Tensor exp_avg, exp_avg_sq;  // allocated once
        Tensor step;                 // [1]: steps, mirrored for the state
        std::int64_t steps = 0;      // 0: not started (PyTorch: no state entry)
        bool decay;
    };
    nn::StateDict export_state(bool copy) const;

    std::vector<Slot> slots_;
    AdamWOptions options_;
    std::vector<detail::AdamWChunk> chunks_;  // this step's work, capacity reserved up front
};

}  // namespace lskd::optim
