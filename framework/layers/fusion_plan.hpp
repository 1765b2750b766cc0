// The one place that decides which fusions run. A plan walks a chain of modules (a Sequential's children, a residual
// block's main path) once and lists the steps to run: each step is one module whose op runs with an epilogue
// (ops::PostOps) fused in, standing for the modules it absorbs (the ReLU after it; in inference, a batch norm folded
// into the convolution before it). Ops stay single-purpose: they never look at their neighbours, and only these plans
// fill their PostOps. The same plans drive the differentiable forward (Sequential, the ResNet block) and the fused
// inference pass (inference.hpp). A fused step equals its modules run one by one bit for bit, forward and backward;
// under UnfusedGuard the plans fuse nothing, the reference the tests compare against.
#pragma once
#include <cstddef>
#include <span>
#include <vector>

#include "framework/layers/module.hpp"
#include "framework/ops/post_ops.hpp"

namespace lskd::nn {

class BatchNorm2d;

// graph: the differentiable ops (training, or eval mode with grad mode on). inference: eval mode under NoGradGuard,
// where batch norm folds into the convolution before it (inference.hpp).
enum class FusionMode { graph, inference };

struct FusedStep {
    Module* module = nullptr;          // runs, with `post` inside its op
    BatchNorm2d* folded_bn = nullptr;  // inference: folded into `module`, a Conv2d
    ops::PostOps post{};
    std::size_t first = 0, count = 1;  // the chain's modules this step stands for: [first, first + count)
};

// The rules, tried in this order at each place of the chain:
//  - graph: M, ReLU, MaxPool2d → M alone, then the max-pool with the ReLU as its post-op (max and ReLU commute, and
//    the ReLU then runs inside the pooling kernel, on the smaller map, at no pass of its own);
//  - inference: Conv2d, BatchNorm2d → one convolution with the batch norm folded into its weights;
//  - M, ReLU where M's op takes a relu post-op (Module::fusable_post_ops) → M with the relu post-op;
//  - anything else runs alone.
// Then, in graph mode under bf16 compute precision (framework/ops/precision.hpp), an activation between two steps
// stays bf16 when the step before can write it so and the step after can read it so (Module::fusable_post_ops().bf16:
// Conv2d, BatchNorm2d, a residual block), except around a batch norm, which reads bf16 exactly when it writes bf16
// (oneDNN 2.6 normalises one data type). Each step's post.bf16 says so (ops::Bf16Io), and the gradients between such
// steps are bf16 too. `ends` says whether the chain's input is bf16 and whether what reads its output reads bf16.
// The inference mode keeps its own bf16 rule (inference.hpp).
struct ChainEnds {
    bool input_bf16 = false;
    bool output_read_as_bf16 = false;
};
std::vector<FusedStep> plan_chain(std::span<Module* const> chain, FusionMode mode, ChainEnds ends = {});

// out = relu(main(x) + shortcut(x)): the main path's steps and where the sum and its ReLU run.
struct ResidualPlan {
    std::vector<FusedStep> main;
    // inference: the last step of `main` (a convolution) adds onto the shortcut's output in place and applies the
    // ReLU, as its post-ops {sum, relu}; no add runs.
    bool sum_in_main = false;
    ops::PostOps add{};           // otherwise: the epilogue of ops::add (relu)
    bool relu_after_add = false;  // unfused: a separate ReLU after the add
};
// `ends` are the main path's (its output is what the add reads).
ResidualPlan plan_residual(std::span<Module* const> main, FusionMode mode, ChainEnds ends = {});

// What a graph-mode plan depends on besides its chain: whether fusions are on and whether this thread computes in
// bf16. A module that keeps its plan makes it again when the current key differs from the one it planned under.
struct PlanKey {
    bool fused = false;
    bool bf16 = false;
    friend bool operator==(const PlanKey&, const PlanKey&) = default;
};
PlanKey current_plan_key();

// The steps' differentiable ops in order: each step's module->forward_with(x, post).
Variable run_steps(const std::vector<FusedStep>& steps, const Variable& x);

// While one lives on this thread, plans fuse nothing (each module runs alone, every op without post-ops) and the
// fused inference pass is not taken: the reference path that tests and measurements compare the fused one with.
class UnfusedGuard {
public:
    UnfusedGuard();
    ~UnfusedGuard();
    UnfusedGuard(const UnfusedGuard&) = delete;
    UnfusedGuard& operator=(const UnfusedGuard&) = delete;

private:
    bool previous_;
};
bool fusions_enabled();

}  // namespace lskd::nn
