#include "framework/ops/output_backward.hpp"

namespace lskd::ops {

void OutputBackwardNode::keep(const Tensor& output, dnnl_ctx::BoundPrimitive& backward_primitive) {
    save(output, "output");
    primitive = &backward_primitive;
}

void OutputBackwardNode::backward(const Tensor& gout) {
    const Tensor& output = saved(0);
    Tensor gx = Tensor::empty(output.shape());
    primitive->set(DNNL_ARG_DST, output.data())
        .set(DNNL_ARG_DIFF_DST, gout.data())
        .set(DNNL_ARG_DIFF_SRC, gx.data())
        .run();
    accumulate_grad(*inputs[0], gx);
}

}  // namespace lskd::ops
