// reshape: a view on the same storage; the gradient is reshaped back.
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

struct ReshapeNode : Node {
    Shape input_shape;
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable reshape(const Variable& x, const Shape& shape) {
    check_input_type("reshape", x, false);
    return record<ReshapeNode>(OpKind::reshape, x.value().reshaped(shape), needs_graph({&x}), {&x},
                               [&](ReshapeNode& node) { node.input_shape = x.shape(); });
}

void ReshapeNode::backward(const Tensor& gout) { accumulate_grad(*inputs[0], gout.reshaped(input_shape)); }

}  // namespace lskd::ops
