// add: oneDNN binary add on the flat buffers; the gradient flows unchanged to both inputs. With the relu post-op,
// max(0, ·) runs as the binary primitive's post-op (a residual block's add and ReLU in one pass), and the
// gradient both inputs receive is dy·[y > 0] from the saved output, as the relu op would compute it.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/relu_backward.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;

dnnl_ctx::BoundPrimitive& forward(std::int64_t n, bool relu) {
    static dnnl_ctx::PrimitiveCache<dnnl_ctx::BoundPrimitive> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::add), {n, relu}}, [&] {
        const auto md = dnnl_ctx::md_x(n);
        binary::primitive_desc pd(binary::desc(algorithm::binary_add, md, md, md), dnnl_ctx::scratchpad_attr(relu),
                                  dnnl_ctx::engine());
        return dnnl_ctx::BoundPrimitive(binary(pd), {{DNNL_ARG_SRC_0, md}, {DNNL_ARG_SRC_1, md}, {DNNL_ARG_DST, md}},
                                        pd.scratchpad_desc());
    });
}

struct AddNode : Node {
    bool relu = false;  // the output was saved, to mask the incoming gradient
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable add(const Variable& a, const Variable& b, const PostOps& post) {
    check_post_ops("add", post, {.relu = true});
    const bool relu = post.relu;
    if (!(a.shape() == b.shape())) fail("add: shapes {} and {} differ", a.shape().str(), b.shape().str());
    Tensor y = Tensor::empty(a.shape());
    forward(y.numel(), relu)
        .set(DNNL_ARG_SRC_0, a.value().data())
        .set(DNNL_ARG_SRC_1, b.value().data())
        .set(DNNL_ARG_DST, y.data())
        .run();
    return record<AddNode>(OpKind::add, y, needs_graph({&a, &b}), {&a, &b}, [&](AddNode& node) {
        node.relu = relu;
        if (relu) node.save(y, "output");
    });
}

void AddNode::backward(const Tensor& grad_output) {
    const Tensor gout = relu ? relu_backward(saved(0), grad_output) : grad_output;
    accumulate_grad(*inputs[0], gout);
    accumulate_grad(*inputs[1], gout);
}

}  // namespace lskd::ops
