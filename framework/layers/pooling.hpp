// Pooling layers as modules, so they can sit in a Sequential; they hold no parameters.
#pragma once
#include "framework/layers/module.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

class MaxPool2d : public Module {
public:
    MaxPool2d(std::int64_t kernel, std::int64_t stride, std::int64_t padding = 0) : options_{kernel, stride, padding} {}
    Variable forward(const Variable& x) override { return ops::max_pool2d(x, options_); }
    // max_pool2d(x) then ReLU, fused; Sequential also calls it for layer → ReLU → MaxPool2d (the orders agree).
    Variable forward_relu(const Variable& x) override {
        ops::Pool2dOptions o = options_;
        o.relu = true;
        return ops::max_pool2d(x, o);
    }

private:
    ops::Pool2dOptions options_;
};

// NHWC [N, H, W, C] → [N, C].
class GlobalAvgPool : public Module {
public:
    Variable forward(const Variable& x) override { return ops::global_avg_pool(x); }
};

}  // namespace lskd::nn
