// The node of ops whose gradient depends on their output alone (relu, log_softmax): backward runs the op's
// oneDNN backward primitive on the saved output and the incoming gradient.
#pragma once
#include "framework/autograd/node.hpp"
#include "framework/dnnl/primitive_cache.hpp"

namespace lskd::ops {

struct OutputBackwardNode : Node {
    dnnl_ctx::BoundPrimitive* primitive = nullptr;  // reads DST and DIFF_DST, writes DIFF_SRC

    // Saves the forward output (element 0 of saved()) and the backward primitive to run on it.
    void keep(const Tensor& output, dnnl_ctx::BoundPrimitive& backward_primitive);
    void backward(const Tensor& grad_output) override;
};

}  // namespace lskd::ops
