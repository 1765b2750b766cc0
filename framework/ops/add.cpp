// add: oneDNN binary add on the flat buffers; the gradient flows unchanged to both inputs. With the relu post-op,
// max(0, ·) runs as the binary primitive's post-op (a residual block's add and ReLU in one pass), and the
// gradient both inputs receive is dy·[y > 0] from the saved output, as the relu op would compute it. With a bf16
// first input (post_ops.hpp, Bf16Io: a residual block's main path ending in a bf16 batch norm) the sum is still
// f32, and that input's gradient is the same gradient rounded to bf16.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/dnnl/reorder.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/relu_backward.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;

struct AddEntry {
    dnnl_ctx::BoundPrimitive forward;
    dnnl_ctx::BoundPrimitive gradient_to_bf16;  // for a bf16 first input only
};

// A bf16 first input is the primitive's second source: oneDNN 2.6's jit binary kernel takes a bf16 src1 with an f32
// src0 and dst, and falls back to its reference kernel for a bf16 src0 (the sum is the same, addition commutes).
AddEntry& entry(std::int64_t n, bool relu, bool bf16_first) {
    static dnnl_ctx::PrimitiveCache<AddEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::add), {n, relu, bf16_first}}, [&] {
        const auto md = dnnl_ctx::md_x(n);
        const auto second = bf16_first ? dnnl_ctx::md_x(n, memory::data_type::bf16) : md;
        binary::primitive_desc pd(binary::desc(algorithm::binary_add, md, second, md), dnnl_ctx::scratchpad_attr(relu),
                                  dnnl_ctx::engine());
        AddEntry e;
        e.forward = dnnl_ctx::BoundPrimitive(
            binary(pd), {{DNNL_ARG_SRC_0, md}, {DNNL_ARG_SRC_1, second}, {DNNL_ARG_DST, md}}, pd.scratchpad_desc());
        if (bf16_first) e.gradient_to_bf16 = dnnl_ctx::make_reorder(md, second);
        return e;
    });
}

struct AddNode : Node {
    AddEntry* prims = nullptr;
    bool relu = false;        // the output was saved, to mask the incoming gradient
    bool bf16_first = false;  // the first input's gradient is converted to bf16
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable add(const Variable& a, const Variable& b, const PostOps& post) {
    check_post_ops("add", post, {.relu = true, .bf16 = {.input = true}});
    LSKD_CHECK(!post.bf16.input || compute_precision() == Precision::bf16,
               "add: bf16 activations under f32 compute precision");
    const bool relu = post.relu;
    if (!(a.shape() == b.shape())) fail("add: shapes {} and {} differ", a.shape().str(), b.shape().str());
    Tensor y = Tensor::empty(a.shape());
    AddEntry& prims = entry(y.numel(), relu, post.bf16.input);
    const bool swap = post.bf16.input;
    prims.forward.set(DNNL_ARG_SRC_0, (swap ? b : a).value().data())
        .set(DNNL_ARG_SRC_1, (swap ? a : b).value().data())
        .set(DNNL_ARG_DST, y.data())
        .run();
    return record<AddNode>(OpKind::add, y, needs_graph({&a, &b}), {&a, &b}, [&](AddNode& node) {
        node.prims = &prims;
        node.relu = relu;
        node.bf16_first = post.bf16.input;
        if (relu) node.save(y, "output");
    });
}

void AddNode::backward(const Tensor& grad_output) {
    const Tensor gout = relu ? relu_backward(saved(0), grad_output) : grad_output;
    if (bf16_first && needs_grad(0)) {
        Tensor g16 = Tensor::empty(gout.shape());
        prims->gradient_to_bf16.set(DNNL_ARG_FROM, gout.data()).set(DNNL_ARG_TO, g16.data()).run();
        accumulate_grad(*inputs[0], g16);
    } else if (!bf16_first) {
        accumulate_grad(*inputs[0], gout);
    }
    accumulate_grad(*inputs[1], gout);
}

}  // namespace lskd::ops
