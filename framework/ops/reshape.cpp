// reshape: a view on the same storage; the gradient is reshaped back.
#include <memory>

#include "framework/autograd/node.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::ops {
namespace {

struct ReshapeNode : Node {
    Shape input_shape;
    void backward(const Tensor& gout) override { accumulate_grad(*inputs[0], gout.reshaped(input_shape)); }
    const char* name() const override { return "reshape"; }
};

}  // namespace

Variable reshape(const Variable& x, const Shape& shape) {
    Tensor y = x.value().reshaped(shape);
    std::shared_ptr<ReshapeNode> node;
    if (needs_graph({&x})) {
        node = std::make_shared<ReshapeNode>();
        node->input_shape = x.shape();
    }
    return make_output(std::move(y), std::move(node), {&x});
}

}  // namespace lskd::ops
