// gelu: oneDNN eltwise gelu_erf on the flat buffer (layout-free); backward reads the saved input, since the
// derivative Φ(x) + x·φ(x) cannot be recovered from the output.
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct GeluEntry {
    BoundPrimitive forward;
    BoundPrimitive backward;
};

GeluEntry& entry(std::int64_t n, bool training) {
    static dnnl_ctx::PrimitiveCache<GeluEntry> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::gelu), {n, training}}, [&] {
        const auto md = dnnl_ctx::md_x(n);
        const auto attr = dnnl_ctx::scratchpad_attr();
        const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
        eltwise_forward::primitive_desc fwd(eltwise_forward::desc(prop, algorithm::eltwise_gelu_erf, md, 0.f), attr,
                                            dnnl_ctx::engine());
        GeluEntry e;
        e.forward =
            BoundPrimitive(eltwise_forward(fwd), {{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}}, fwd.scratchpad_desc());
        if (training) {
            eltwise_backward::primitive_desc bwd(eltwise_backward::desc(algorithm::eltwise_gelu_erf, md, md, 0.f), attr,
                                                 dnnl_ctx::engine(), fwd);
            e.backward = BoundPrimitive(eltwise_backward(bwd),
                                        {{DNNL_ARG_SRC, md}, {DNNL_ARG_DIFF_DST, md}, {DNNL_ARG_DIFF_SRC, md}},
                                        bwd.scratchpad_desc());
        }
        return e;
    });
}

struct GeluNode : Node {
    BoundPrimitive* backward_primitive = nullptr;
    void backward(const Tensor& gout) override;
};

void GeluNode::backward(const Tensor& gout) {
    const Tensor& x = saved(0);
    Tensor gx = Tensor::empty(x.shape());
    backward_primitive->set(DNNL_ARG_SRC, x.data())
        .set(DNNL_ARG_DIFF_DST, gout.data())
        .set(DNNL_ARG_DIFF_SRC, gx.data())
        .run();
    accumulate_grad(*inputs[0], gx);
}

}  // namespace

Variable gelu(const Variable& x) {
    check_input_type("gelu", x, false);
    const bool graph = needs_graph({&x});
    GeluEntry& prims = entry(x.value().numel(), graph);
    Tensor y = Tensor::empty(x.shape());
    prims.forward.set(DNNL_ARG_SRC, x.value().data()).set(DNNL_ARG_DST, y.data()).run();
    return record<GeluNode>(OpKind::gelu, std::move(y), graph, {&x}, [&](GeluNode& node) {
        node.backward_primitive = &prims.backward;
        node.save(x.value(), "input");
    });
}

}  // namespace lskd::ops
