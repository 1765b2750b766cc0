// optim::Optimizer: what a training loop and its checkpoint ask of an optimizer (SGD, AdamW): an update of the
// parameters that have gradients at a learning rate set before it, and a state that checkpoints by name.
#pragma once
#include "framework/layers/module.hpp"

namespace lskd::optim {

class Optimizer {
public:
    virtual ~Optimizer() = default;

    // Updates every parameter that has a gradient and bumps its version.
    virtual void step() = 0;
    virtual void zero_grad() = 0;
    virtual void set_lr(double lr) = 0;
    virtual double lr() const = 0;

    // Copies of the state the next step reads, by name. The learning rate is not part of it: it comes from the
    // schedule at the resumed step.
    virtual nn::StateDict state() const = 0;
    // The same tensors sharing their storage (no copy): for writing them out before the next step changes them.
    virtual nn::StateDict state_view() const = 0;
    // Restores a state exported by state(): listed parameters resume, the others start afresh at their next step.
    // Unknown names and shape mismatches are Errors, and nothing is changed then.
    virtual void load_state(const nn::StateDict& state) = 0;

protected:
    Optimizer() = default;
    Optimizer(const Optimizer&) = default;
    Optimizer& operator=(const Optimizer&) = default;
};

}  // namespace lskd::optim
