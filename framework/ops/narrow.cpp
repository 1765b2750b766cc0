// narrow: a contiguous range of the first dimension, copied out; backward writes the gradient into that range of a
// zero gradient of the input's shape.
#include <algorithm>
#include <cstring>

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

struct NarrowNode : Node {
    Shape input_shape;
    std::int64_t offset = 0;  // elements before the first kept one
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable narrow(const Variable& x, std::int64_t begin, std::int64_t end) {
    check_input_type("narrow", x, false);
    if (x.shape().rank() < 1 || begin < 0 || end <= begin || end > x.dim(0))
        fail("narrow: range [{}, {}) is not inside the first dimension of {}", begin, end, x.shape().str());
    Shape shape = x.shape();
    shape[0] = end - begin;
    const std::int64_t row = x.value().numel() / x.dim(0);
    Tensor y = Tensor::empty(shape);
    std::memcpy(y.data(), x.value().data() + begin * row, static_cast<std::size_t>(y.numel()) * sizeof(float));
    return record<NarrowNode>(OpKind::narrow, y, needs_graph({&x}), {&x}, [&](NarrowNode& node) {
        node.input_shape = x.shape();
        node.offset = begin * row;
    });
}

void NarrowNode::backward(const Tensor& gout) {
    Tensor gx = Tensor::zeros(input_shape);
    std::copy(gout.values().begin(), gout.values().end(), gx.data() + offset);
    accumulate_grad(*inputs[0], gx);
}

}  // namespace lskd::ops
