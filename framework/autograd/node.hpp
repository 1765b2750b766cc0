// A graph node: the backward function of one op. It keeps strong references to its inputs (so a graph
// lives as long as its outputs) and tears chains down iteratively, so a 100k-op chain neither overflows
// the stack on backward nor on destruction. Nodes come from make_node, whose blocks are recycled per thread,
// and keep their inputs inline, so recording a graph allocates nothing once a step has run. The tensors its backward
// reads are saved with their versions, and backward refuses to run on one that was written in place since (PyTorch's
// "modified by an inplace operation"), instead of computing a silently wrong gradient.
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "framework/autograd/variable.hpp"
#include "framework/tensor/block_pool.hpp"

namespace lskd {

// A tensor a node's backward reads, and the version its storage had when the forward pass saved it.
struct SavedTensor {
    Tensor tensor;
    std::uint64_t version = 0;
    const char* role = "";  // how the op uses it ("input", "weight", "output"), for the error message
};

// A node's inputs, in the op's order (an absent optional input is null), kept inline.
class NodeInputs {
public:
    // The most inputs one op takes (linear, conv2d: input, weight, bias; batch_norm: input, gamma, beta).
    static constexpr std::size_t kMax = 3;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::shared_ptr<VarImpl>& operator[](std::size_t i) { return items_[i]; }
    const std::shared_ptr<VarImpl>& operator[](std::size_t i) const { return items_[i]; }
    std::shared_ptr<VarImpl>* begin() { return items_.data(); }
    std::shared_ptr<VarImpl>* end() { return items_.data() + size_; }
    const std::shared_ptr<VarImpl>* begin() const { return items_.data(); }
    const std::shared_ptr<VarImpl>* end() const { return items_.data() + size_; }
    void push_back(std::shared_ptr<VarImpl> v);

private:
    std::array<std::shared_ptr<VarImpl>, kMax> items_;
    std::size_t size_ = 0;
};

struct Node {
    // The most tensors one op saves (batch_norm: input, gamma, beta); kept inline, so saving allocates nothing.
    static constexpr std::size_t kMaxSaved = 3;

    NodeInputs inputs;
    const char* op = "";  // the op's name, for messages

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    virtual ~Node();

    // Receives d(loss)/d(output) and accumulates d(loss)/d(input) into the inputs that require it.
    virtual void backward(const Tensor& grad_output) = 0;

    bool needs_grad(std::size_t i) const { return inputs[i] && inputs[i]->requires_grad; }

    // Keeps t for backward, at its current version; saved(i) returns the i-th tensor saved.
    void save(const Tensor& t, const char* role);
    const Tensor& saved(std::size_t i) const { return saved_[i].tensor; }
    // Throws lskd::Error naming the op and the tensor when a saved tensor was written in place after it
    // was saved. Allocates nothing unless it throws.
    void check_saved_versions() const;

private:
    std::array<SavedTensor, kMaxSaved> saved_;
    std::size_t saved_count_ = 0;
};

// A new node of type N (derived from Node), in a recycled block.
template <typename N>
std::shared_ptr<N> make_node() {
    return make_pooled<N>();
}

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
