// nn::EvalScope: a module in evaluation mode with gradients off for the scope's life; its training flag and the
// grad mode come back on leaving the scope, an exception included.
#pragma once
#include "framework/autograd/node.hpp"
#include "framework/layers/module.hpp"

namespace lskd::nn {

class EvalScope {
public:
    explicit EvalScope(Module& module) : module_(module), was_training_(module.is_training()) { module.eval(); }
    ~EvalScope() { module_.train(was_training_); }
    EvalScope(const EvalScope&) = delete;
    EvalScope& operator=(const EvalScope&) = delete;

private:
    Module& module_;
    bool was_training_;
    NoGradGuard no_grad_;
};

}  // namespace lskd::nn
