// scale: s·x on oneDNN's eltwise linear over the flat buffer; the gradient is s·dy, the same primitive.
#include <bit>

#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;

dnnl_ctx::BoundPrimitive& primitive(std::int64_t n, float s) {
    static dnnl_ctx::PrimitiveCache<dnnl_ctx::BoundPrimitive> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::scale), {n, std::bit_cast<std::int32_t>(s)}}, [&] {
        const auto md = dnnl_ctx::md_x(n);
        eltwise_forward::primitive_desc pd(
            eltwise_forward::desc(prop_kind::forward_inference, algorithm::eltwise_linear, md, s, 0.f),
            dnnl_ctx::scratchpad_attr(), dnnl_ctx::engine());
        return dnnl_ctx::BoundPrimitive(eltwise_forward(pd), {{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}},
                                        pd.scratchpad_desc());
    });
}

Tensor scaled(const Tensor& x, float s) {
    Tensor y = Tensor::empty(x.shape());
    primitive(x.numel(), s).set(DNNL_ARG_SRC, x.data()).set(DNNL_ARG_DST, y.data()).run();
    return y;
}

struct ScaleNode : Node {
    float s = 1.0f;
    void backward(const Tensor& gout) override { accumulate_grad(*inputs[0], scaled(gout, s)); }
};

}  // namespace

Variable scale(const Variable& x, float s) {
    check_input_type("scale", x, false);
    return record<ScaleNode>(OpKind::scale, scaled(x.value(), s), needs_graph({&x}), {&x},
                             [&](ScaleNode& node) { node.s = s; });
}

}  // namespace lskd::ops
