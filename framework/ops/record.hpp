// How every op records its graph node: one call after the forward computation, which creates the node
// only when a graph is wanted, names it after the op and links it to the op's inputs.
#pragma once
#include <initializer_list>
#include <memory>
#include <utility>

#include "framework/autograd/node.hpp"
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

}  // namespace lskd::ops
