// Variable::backward: an iterative depth-first topological sort (explicit stack, no recursion), then one
// pass in reverse order. Each node runs once, after all contributions to its output's gradient arrived;
// intermediate gradients and nodes are released as soon as they are used. A node whose saved tensors were
// written in place since the forward pass stops the pass with an Error before it computes anything. The sort
// counts each variable's uses, and a leaf's gradient hook runs when the last of them has been released.
#include <utility>
#include <vector>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"

namespace lskd {
namespace {

std::uint64_t next_mark() {
    static thread_local std::uint64_t mark = 0;
    return ++mark;
}

// Post-order of the graph below root (every variable after the variables it was computed from). Holding
// shared_ptrs keeps every variable alive until the pass is over, whatever the nodes release meanwhile.
std::vector<std::shared_ptr<VarImpl>> topological_order(const std::shared_ptr<VarImpl>& root) {
    const std::uint64_t mark = next_mark();
    std::vector<std::shared_ptr<VarImpl>> order;
    std::vector<std::pair<std::shared_ptr<VarImpl>, std::size_t>> stack;
    root->visit_mark = mark;
    root->pending_uses = 0;
    stack.emplace_back(root, 0);
    while (!stack.empty()) {
        auto& [v, next_input] = stack.back();
        Node* node = v->grad_fn.get();
        if (node != nullptr && next_input < node->inputs.size()) {
            const std::shared_ptr<VarImpl>& in = node->inputs[next_input++];
            if (!in || !in->requires_grad) continue;
            if (in->visit_mark == mark) {
                ++in->pending_uses;
                continue;
            }
            in->visit_mark = mark;
            in->pending_uses = 1;
            stack.emplace_back(in, 0);
            continue;
        }
        order.push_back(std::move(v));
        stack.pop_back();
    }
    return order;
}

// Counts the node's uses of its inputs as done (it has run or was skipped); a leaf whose last use this was has
// its final gradient, and its hook runs.
void release_uses(const Node& node) {
    for (const std::shared_ptr<VarImpl>& in : node.inputs)
        if (in && in->requires_grad && --in->pending_uses == 0 && !in->grad_fn && in->grad_final_hook)
            in->grad_final_hook();
}

}  // namespace

void Variable::backward(const Tensor& seed) {
    if (!impl_->requires_grad) fail("backward() on a variable that does not require grad");
    if (!(seed.shape() == impl_->value.shape()))
        fail("backward seed of shape {} for a value of shape {}", seed.shape().str(), impl_->value.shape().str());
    std::vector<std::shared_ptr<VarImpl>> order = topological_order(impl_);
    accumulate_grad(*impl_, seed);
    if (!impl_->grad_fn && impl_->grad_final_hook) impl_->grad_final_hook();  // a leaf is its own whole graph
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        VarImpl& v = **it;
        if (!v.grad_fn) continue;  // a leaf: its hook ran when its last use was released
        if (v.grad.defined()) {
            v.grad_fn->check_saved_versions();
            v.grad_fn->backward(v.grad);
        }
        release_uses(*v.grad_fn);
        v.grad = Tensor();
        v.grad_fn.reset();
    }
}

}  // namespace lskd
