// relu: oneDNN eltwise on the flat buffer (layout-free); backward reads the saved output, not the input.
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/output_backward.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/relu_backward.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct ReluEntry {
    BoundPrimitive forward;
    BoundPrimitive backward;
};

ReluEntry& entry(std::int64_t n, bool training, bool bf16 = false) {
    static dnnl_ctx::PrimitiveCache<ReluEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::relu), {n, training, bf16}}, [&] {
        const auto md = dnnl_ctx::md_x(n, dnnl_ctx::value_type(bf16));
        const auto attr = dnnl_ctx::scratchpad_attr();
        const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
        eltwise_forward::primitive_desc fwd(
            eltwise_forward::desc(prop, algorithm::eltwise_relu_use_dst_for_bwd, md, 0.f), attr, dnnl_ctx::engine());
        ReluEntry e;
        e.forward =
            BoundPrimitive(eltwise_forward(fwd), {{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}}, fwd.scratchpad_desc());
        if (training) {
            eltwise_backward::primitive_desc bwd(
                eltwise_backward::desc(algorithm::eltwise_relu_use_dst_for_bwd, md, md, 0.f), attr, dnnl_ctx::engine(),
                fwd);
            e.backward = BoundPrimitive(eltwise_backward(bwd),
                                        {{DNNL_ARG_DST, md}, {DNNL_ARG_DIFF_DST, md}, {DNNL_ARG_DIFF_SRC, md}},
                                        bwd.scratchpad_desc());
        }
        return e;
    });
}

}  // namespace

Variable relu(const Variable& x) {
    check_input_type("relu", x, false);
    const bool graph = needs_graph({&x});
    ReluEntry& prims = entry(x.value().numel(), graph);
    Tensor y = Tensor::empty(x.shape());
    prims.forward.set(DNNL_ARG_SRC, x.value().data()).set(DNNL_ARG_DST, y.data()).run();
    return record<OutputBackwardNode>(OpKind::relu, y, graph, {&x},
                                      [&](OutputBackwardNode& node) { node.keep(y, prims.backward); });
}

Tensor relu_backward(const Tensor& output, const Tensor& grad_output, bool bf16) {
    Tensor gx = Tensor::empty(output.shape());
    entry(output.numel(), true, bf16)
        .backward.set(DNNL_ARG_DST, output.data())
        .set(DNNL_ARG_DIFF_DST, grad_output.data())
        .set(DNNL_ARG_DIFF_SRC, gx.data())
        .run();
    return gx;
}

}  // namespace lskd::ops
