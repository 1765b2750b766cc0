#include "framework/layers/fusion_plan.hpp"

#include "framework/core/error.hpp"
#include "framework/layers/batch_norm.hpp"
#include "framework/layers/conv2d.hpp"
#include "framework/layers/pooling.hpp"
#include "framework/layers/relu.hpp"
#include "framework/ops/precision.hpp"

namespace lskd::nn {
namespace {

thread_local bool t_unfused = false;

template <typename M>
M* as(std::span<Module* const> chain, std::size_t i) {
    return i < chain.size() ? dynamic_cast<M*>(chain[i]) : nullptr;
}

template <typename M>
bool is(const FusedStep& step) {
    return dynamic_cast<M*>(step.module) != nullptr;
}

bool reads_bf16(const FusedStep& step) { return step.module->fusable_post_ops().bf16.input; }
bool writes_bf16(const FusedStep& step) { return step.module->fusable_post_ops().bf16.output; }

// The plan's bf16 rule (fusion_plan.hpp). bf16[i]: the activation into step i is bf16; bf16[n]: the chain's output.
void keep_bf16_between(std::vector<FusedStep>& steps, ChainEnds ends) {
    const std::size_t n = steps.size();
    std::vector<char> bf16(n + 1, 0);
    bf16[0] = ends.input_bf16;
    for (std::size_t i = 1; i <= n; ++i)
        bf16[i] = writes_bf16(steps[i - 1]) && (i < n ? reads_bf16(steps[i]) : ends.output_read_as_bf16);
    if (n > 0 && bf16[0] && !reads_bf16(steps[0]))
        fail("a chain with a bf16 input starts with a module that reads only f32");
    // A batch norm reads bf16 exactly when it writes bf16 (oneDNN 2.6 normalises one data type): where one side
    // cannot be bf16, neither is. Each pass only clears edges, so this ends.
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t i = 0; i < n; ++i) {
            if (!is<BatchNorm2d>(steps[i]) || bf16[i] == bf16[i + 1]) continue;
            if (i == 0 && bf16[0]) fail("a chain with a bf16 input starts with a batch norm whose output is f32");
            bf16[i] = bf16[i + 1] = 0;
            changed = true;
        }
    }
    for (std::size_t i = 0; i < n; ++i) steps[i].post.bf16 = {.input = bf16[i] != 0, .output = bf16[i + 1] != 0};
}

}  // namespace

UnfusedGuard::UnfusedGuard() : previous_(t_unfused) { t_unfused = true; }
UnfusedGuard::~UnfusedGuard() { t_unfused = previous_; }
bool fusions_enabled() { return !t_unfused; }

PlanKey current_plan_key() {
    return {.fused = fusions_enabled(), .bf16 = ops::compute_precision() == ops::Precision::bf16};
}

std::vector<FusedStep> plan_chain(std::span<Module* const> chain, FusionMode mode, ChainEnds ends) {
    std::vector<FusedStep> steps;
    for (std::size_t i = 0; i < chain.size();) {
        FusedStep step{.module = chain[i], .first = i};
        const bool relu_next = as<ReLU>(chain, i + 1) != nullptr && as<ReLU>(chain, i) == nullptr;
        if (!fusions_enabled()) {
            // every module alone
        } else if (mode == FusionMode::graph && relu_next && as<MaxPool2d>(chain, i + 2) != nullptr) {
            steps.push_back(step);
            step = {.module = chain[i + 2], .post = {.relu = true}, .first = i + 1, .count = 2};
        } else {
            if (mode == FusionMode::inference && as<Conv2d>(chain, i) != nullptr) {
                step.folded_bn = as<BatchNorm2d>(chain, i + 1);
                if (step.folded_bn != nullptr) ++step.count;
            }
            if (as<ReLU>(chain, i + step.count) != nullptr && chain[i]->fusable_post_ops().relu) {
                step.post.relu = true;
                ++step.count;
            }
        }
        i = step.first + step.count;
        steps.push_back(step);
    }
    if (mode == FusionMode::graph && current_plan_key() == PlanKey{.fused = true, .bf16 = true})
        keep_bf16_between(steps, ends);
    return steps;
}

ResidualPlan plan_residual(std::span<Module* const> main, FusionMode mode, ChainEnds ends) {
    LSKD_CHECK(!main.empty(), "a residual block needs a main path");
    ResidualPlan plan{.main = plan_chain(main, mode, ends)};
    FusedStep& last = plan.main.back();
    if (!fusions_enabled()) {
        plan.relu_after_add = true;
    } else if (mode == FusionMode::inference && dynamic_cast<Conv2d*>(last.module) != nullptr && last.post.none()) {
        last.post = {.sum = true, .relu = true};
        plan.sum_in_main = true;
    } else {
        plan.add = {.relu = true};
    }
    return plan;
}

Variable run_steps(const std::vector<FusedStep>& steps, const Variable& x) {
    Variable y = x;
    for (const FusedStep& step : steps) y = step.module->forward_with(y, step.post);
    return y;
}

}  // namespace lskd::nn
