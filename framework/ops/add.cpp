// add: oneDNN binary add on the flat buffers; the gradient flows unchanged to both inputs.
#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;

dnnl_ctx::BoundPrimitive& forward(std::int64_t n) {
    static dnnl_ctx::PrimitiveCache<dnnl_ctx::BoundPrimitive> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::add), {n}}, [&] {
        const auto md = dnnl_ctx::md_x(n);
        binary::primitive_desc pd(binary::desc(algorithm::binary_add, md, md, md), dnnl_ctx::scratchpad_attr(),
                                  dnnl_ctx::engine());
        return dnnl_ctx::BoundPrimitive(binary(pd), {{DNNL_ARG_SRC_0, md}, {DNNL_ARG_SRC_1, md}, {DNNL_ARG_DST, md}},
                                        pd.scratchpad_desc());
    });
}

struct AddNode : Node {
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable add(const Variable& a, const Variable& b) {
    if (!(a.shape() == b.shape())) fail("add: shapes {} and {} differ", a.shape().str(), b.shape().str());
    Tensor y = Tensor::empty(a.shape());
    forward(y.numel())
        .set(DNNL_ARG_SRC_0, a.value().data())
        .set(DNNL_ARG_SRC_1, b.value().data())
        .set(DNNL_ARG_DST, y.data())
        .run();
    return record<AddNode>(OpKind::add, std::move(y), needs_graph({&a, &b}), {&a, &b}, [](AddNode&) {});
}

void AddNode::backward(const Tensor& gout) {
    accumulate_grad(*inputs[0], gout);
    accumulate_grad(*inputs[1], gout);
}

}  // namespace lskd::ops
