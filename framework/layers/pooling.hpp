// Pooling layers as modules, so they can sit in a Sequential; they hold no parameters.
#pragma once
#include "framework/layers/module.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

class MaxPool2d : public Module {
public:
    MaxPool2d(std::int64_t kernel, std::int64_t stride, std::int64_t padding = 0) : options_{kernel, stride, padding} {}
    Variable forward(const Variable& x) override { return ops::max_pool2d(x, options_); }
    // A ReLU after the pooling, or before it (the orders agree), runs inside the pooling.
    ops::PostOps fusable_post_ops() const override { return {.relu = true}; }
    Variable forward_with(const Variable& x, const ops::PostOps& post) override {
        return ops::max_pool2d(x, options_, post);
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
