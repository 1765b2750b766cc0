// nn::ReLU: max(x, 0) elementwise, as a module so it can sit in a Sequential.
#pragma once
#include "framework/layers/module.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

class ReLU : public Module {
public:
    Variable forward(const Variable& x) override { return ops::relu(x); }
};

}  // namespace lskd::nn
