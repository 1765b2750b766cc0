// Variable::backward: an iterative depth-first topological sort (explicit stack, no recursion), then one
// pass in reverse order. Each node runs once, after all contributions to its output's gradient arrived;
// intermediate gradients and nodes are released as soon as they are used. A node whose saved tensors were
// written in place since the forward pass stops the pass with an Error before it computes anything. The sort
// counts each variable's uses, and a leaf's gradient hook runs when the last of them has been released. The
// sort's lists are reused from pass to pass.
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

// The sort's output and work list, kept per thread from one pass to the next, so that a pass allocates nothing
// once a graph of its size has run. A pass started inside another (from a hook) gets lists of its own.
struct PassLists {
    std::vector<std::shared_ptr<VarImpl>> order;
    // A variable (held by its consumer's node, or by the caller for the root) and the next input of its node.
    std::vector<std::pair<const std::shared_ptr<VarImpl>*, std::size_t>> stack;
    bool in_use = false;
};

// Lends the thread's lists to one pass and empties them after it, which frees the graph's remains.
class ListsLease {
public:
    ListsLease() : lists_(t_lists_.in_use ? own_ : t_lists_) { lists_.in_use = true; }
    ~ListsLease() {
        lists_.order.clear();
        lists_.stack.clear();
        lists_.in_use = false;
    }
    ListsLease(const ListsLease&) = delete;
    ListsLease& operator=(const ListsLease&) = delete;
    PassLists& operator*() { return lists_; }

private:
    static thread_local PassLists t_lists_;
    PassLists own_;
    PassLists& lists_;
};
thread_local PassLists ListsLease::t_lists_;

// Post-order of the graph below root (every variable after the variables it was computed from), into
// lists.order. Holding shared_ptrs keeps every variable alive until the pass is over, whatever the nodes release
// meanwhile; the stack may point into the nodes' inputs, which nothing changes while the sort runs.
void topological_order(const std::shared_ptr<VarImpl>& root, PassLists& lists) {
    const std::uint64_t mark = next_mark();
    auto& stack = lists.stack;
    root->visit_mark = mark;
    root->pending_uses = 0;
    stack.emplace_back(&root, 0);
    while (!stack.empty()) {
        auto& [v, next_input] = stack.back();
        Node* node = (*v)->grad_fn.get();
        if (node != nullptr && next_input < node->inputs.size()) {
            const std::shared_ptr<VarImpl>& in = node->inputs[next_input++];
            if (!in || !in->requires_grad) continue;
            if (in->visit_mark == mark) {
                ++in->pending_uses;
                continue;
            }
            in->visit_mark = mark;
            in->pending_uses = 1;
            stack.emplace_back(&in, 0);
            continue;
        }
        lists.order.push_back(*v);
        stack.pop_back();
    }
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
    ListsLease lease;
    topological_order(impl_, *lease);
    const std::vector<std::shared_ptr<VarImpl>>& order = (*lease).order;
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
