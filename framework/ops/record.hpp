// How every op records its graph node: one call after the forward computation, which creates the node
// only when a graph is wanted, names it after the op and links it to the op's inputs.
#pragma once
#include <initializer_list>
#include <memory>
#include <utility>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/op_kind.hpp"

namespace lskd::ops {

// Returns the op's output. With `graph` (needs_graph on the same inputs), a node N named after `kind`
// gets `inputs` as its inputs, `setup(node)` stores what its backward needs (Node::save for any tensor
// others can write), and the output requires grad; without, setup never runs.
template <typename N, typename Setup>
Variable record(OpKind kind, Tensor output, bool graph, std::initializer_list<const Variable*> inputs, Setup&& setup) {
    if (!graph) return Variable(std::move(output));
    auto node = make_node<N>();
    node->op = op_name(kind);
    setup(*node);
    return make_output(std::move(output), std::move(node), inputs);
}

// Marks an op's output as holding bf16 values or not (post_ops.hpp, Bf16Io), so that its gradients are summed as
// bf16 (accumulate_grad).
inline Variable holding_bf16(Variable v, bool bf16) {
    v.impl()->bf16 = bf16;
    return v;
}

// Fails, naming `op`, unless `x` holds bf16 values exactly when the op was told it does (`bf16`): a bf16 tensor read
// as f32, or the reverse, would be a silently wrong result. Ops that read only f32 check with false.
inline void check_input_type(const char* op, const Variable& x, bool bf16) {
    if (x.holds_bf16() != bf16)
        fail("{}: its input holds {} values, where {} were planned", op, x.holds_bf16() ? "bf16" : "f32",
             bf16 ? "bf16" : "f32");
}

}  // namespace lskd::ops
