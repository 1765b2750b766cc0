// optim::SGD: stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, with
// PyTorch's torch.optim.SGD update rule, and a momentum state that checkpoints by parameter name.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/layers/module.hpp"
#include "framework/optim/optimizer.hpp"

namespace lskd::optim {

namespace detail {
struct SgdCoefficients {
    float lr, weight_decay, momentum, one_minus_dampening;
    bool nesterov;
};
using SgdKernel = void (*)(float*, const float*, float*, SgdCoefficients, std::int64_t, std::int64_t);
// Elements [begin, end) of one parameter's update: the unit step() splits over threads.
struct SgdChunk {
    SgdKernel update;
    float* p;
    const float* grad;
    float* buf;
    SgdCoefficients c;
    std::int64_t begin, end;
};
}  // namespace detail

struct SgdOptions {
    double lr = 0.0;  // must be set (> 0)
    double momentum = 0.0;
    double dampening = 0.0;
    bool nesterov = false;
    double weight_decay = 0.0;
    // false: no weight decay on ParamKind::bias and ParamKind::norm parameters.
    bool decay_biases_and_norm = true;
};

// Per parameter p with gradient ∇ (parameters whose gradient is undefined are skipped):
//   g = ∇ + wd·p;  with momentum: buf = g on the first step, else momentum·buf + (1 − dampening)·g,
//   then g = nesterov ? g + momentum·buf : buf;  finally p −= lr·g, in float, in that order.
class SGD final : public Optimizer {
public:
    using Options = SgdOptions;

    SGD(std::vector<nn::NamedParameter> params, SgdOptions options);

    void step() override;
    void zero_grad() override;
    void set_lr(double lr) override;
    double lr() const override { return options_.lr; }
    const SgdOptions& options() const { return options_; }

    // The momentum buffers that have started, each named by its parameter.
    nn::StateDict state() const override;
    nn::StateDict state_view() const override;
    void load_state(const nn::StateDict& state) override;

private:
    struct Slot {
        nn::NamedParameter param;
        Tensor momentum;       // allocated once, when momentum != 0
        bool started = false;  // whether momentum holds a buffer (PyTorch: the state entry exists)
        bool decay;
    };

    std::vector<Slot> slots_;
    SgdOptions options_;
    std::vector<detail::SgdChunk> chunks_;  // this step's work, capacity reserved up front
};

}  // namespace lskd::optim
