// A graph node: the backward function of one op. It keeps strong references to its inputs (so a graph
// lives as long as its outputs) and tears chains down iteratively, so a 100k-op chain neither overflows
// the stack on backward nor on destruction.
#pragma once
#include <memory>
#include <vector>

#include "framework/autograd/variable.hpp"

namespace lskd {

struct Node {
    std::vector<std::shared_ptr<VarImpl>> inputs;

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    virtual ~Node();

    // Receives d(loss)/d(output) and accumulates d(loss)/d(input) into the inputs that require it.
    virtual void backward(const Tensor& grad_output) = 0;
    virtual const char* name() const = 0;

    bool needs_grad(std::size_t i) const { return inputs[i] && inputs[i]->requires_grad; }
    const Tensor& input_value(std::size_t i) const { return inputs[i]->value; }
};

// Whether ops record graphs (off under NoGradGuard).
bool grad_mode_enabled();

class NoGradGuard {
public:
    NoGradGuard();
    ~NoGradGuard();
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

// True when an op on these inputs must record a node: grad mode is on and some input requires grad.
bool needs_graph(std::initializer_list<const Variable*> inputs);

// Wraps an op's result: with a node, the output requires grad and remembers the node.
Variable make_output(Tensor value, std::shared_ptr<Node> node, std::initializer_list<const Variable*> inputs);

}  // namespace lskd
