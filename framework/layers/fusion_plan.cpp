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

// The plan's bf16 rule (fusion_plan.hpp): Conv2d → BatchNorm2d → a reader of bf16.
void keep_bf16_between(std::vector<FusedStep>& steps, bool tail_reads_bf16) {
    for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
        FusedStep& conv = steps[i];
        FusedStep& bn = steps[i + 1];
        if (!is<Conv2d>(conv) || conv.post.relu || !is<BatchNorm2d>(bn)) continue;
        const bool last = i + 2 == steps.size();
        if (last ? !tail_reads_bf16 : !is<Conv2d>(steps[i + 2])) continue;
        conv.post.bf16.output = true;
        bn.post.bf16 = {.input = true, .output = true};
        if (!last) steps[i + 2].post.bf16.input = true;
    }
}

std::vector<FusedStep> plan_steps(std::span<Module* const> chain, FusionMode mode, bool tail_reads_bf16) {
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
        keep_bf16_between(steps, tail_reads_bf16);
    return steps;
}

}  // namespace

UnfusedGuard::UnfusedGuard() : previous_(t_unfused) { t_unfused = true; }
UnfusedGuard::~UnfusedGuard() { t_unfused = previous_; }
bool fusions_enabled() { return !t_unfused; }

PlanKey current_plan_key() {
    return {.fused = fusions_enabled(), .bf16 = ops::compute_precision() == ops::Precision::bf16};
}

std::vector<FusedStep> plan_chain(std::span<Module* const> chain, FusionMode mode) {
    return plan_steps(chain, mode, false);
}

ResidualPlan plan_residual(std::span<Module* const> main, FusionMode mode) {
    LSKD_CHECK(!main.empty(), "a residual block needs a main path");
    ResidualPlan plan{.main = plan_steps(main, mode, true)};
    FusedStep& last = plan.main.back();
    if (!fusions_enabled()) {
        plan.relu_after_add = true;
    } else if (mode == FusionMode::inference && dynamic_cast<Conv2d*>(last.module) != nullptr && last.post.none()) {
        last.post = {.sum = true, .relu = true};
        plan.sum_in_main = true;
    } else {
        plan.add = {.relu = true, .bf16 = {.input = last.post.bf16.output}};
    }
    return plan;
}

Variable run_steps(const std::vector<FusedStep>& steps, const Variable& x) {
    Variable y = x;
    for (const FusedStep& step : steps) y = step.module->forward_with(y, step.post);
    return y;
}

}  // namespace lskd::nn
