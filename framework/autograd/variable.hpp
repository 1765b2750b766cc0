// Reverse-mode autograd. A Variable holds a value, its gradient, requires_grad and the Node that produced
// it. Nodes hold their inputs and what backward needs, never their own output, so graphs have no
// reference cycles. backward() walks an iterative topological order and frees the graph as it goes.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "framework/tensor/tensor.hpp"

namespace lskd {

struct Node;

struct VarImpl {
    Tensor value;
    Tensor grad;
    bool requires_grad = false;
    // value and grad hold bf16 values (the ops that keep activations bf16 between primitives, post_ops.hpp), so
    // gradients are summed as bf16.
    bool bf16 = false;
    std::shared_ptr<Node> grad_fn;
    std::uint64_t id;  // unique for the process's life, unlike an address
    std::uint64_t visit_mark = 0;
    // During backward(): the uses of this variable (edges from a node of the graph) whose node has not run yet.
    std::uint32_t pending_uses = 0;
    std::function<void()> grad_final_hook;  // see Variable::set_grad_final_hook

    VarImpl();
};

class Variable {
public:
    Variable() = default;
    explicit Variable(Tensor value, bool requires_grad = false);
    explicit Variable(std::shared_ptr<VarImpl> impl) : impl_(std::move(impl)) {}

    bool defined() const { return impl_ != nullptr; }
    const Tensor& value() const { return impl_->value; }
    Tensor& value() { return impl_->value; }
    const Tensor& grad() const { return impl_->grad; }
    Tensor& grad() { return impl_->grad; }
    bool requires_grad() const { return impl_->requires_grad; }
    void set_requires_grad(bool on) { impl_->requires_grad = on; }
    bool holds_bf16() const { return impl_->bf16; }
    const Shape& shape() const { return impl_->value.shape(); }
    std::int64_t dim(int i) const { return impl_->value.dim(i); }
    const std::shared_ptr<VarImpl>& impl() const { return impl_; }
    const std::shared_ptr<Node>& grad_fn() const { return impl_->grad_fn; }

    // Backpropagates from this variable: a scalar seeds 1, otherwise pass the seed gradient.
    void backward();
    void backward(const Tensor& seed);
    // Runs `hook` once in every backward() whose graph uses this leaf, as soon as its gradient is final: the
    // node of each of its uses in that graph (a use per input slot: a weight shared by two ops has two) has run
    // its backward, or been skipped for want of a gradient, so nothing will add to grad() in this pass. grad()
    // then holds its value after the pass (undefined if no gradient reached the leaf along any use). A leaf the
    // graph does not reach gets no call. Leaves only; an empty hook removes it. Running it allocates nothing.
    void set_grad_final_hook(std::function<void()> hook);
    // The value detached from the graph (shares storage).
    Variable detach() const { return Variable(impl_->value, false); }

private:
    std::shared_ptr<VarImpl> impl_;
};

// Adds g into v's gradient (no-op when v does not require it). Gradients may share storage with g until
// a second contribution arrives, which then writes into a private copy.
void accumulate_grad(VarImpl& v, const Tensor& g);

}  // namespace lskd
