// layer_norm: oneDNN layer normalization over the last dimension, x seen as [rows, D] (rows = every other
// dimension, the same bytes), gamma and beta as oneDNN 2.6's separate scale and shift (use_scale | use_shift).
// With a graph, forward_training writes each row's mean and variance into tensors the node owns, and backward
// reads them with the saved input: the forward never runs in place, which would overwrite that input.
#include <bit>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct LayerNormEntry {
    BoundPrimitive forward;
    BoundPrimitive backward;
};

LayerNormEntry make_entry(std::int64_t rows, std::int64_t d, bool graph, float eps) {
    const auto data = dnnl_ctx::md_nc(rows, d);
    const auto vec = dnnl_ctx::md_x(d);
    const auto flags = normalization_flags::use_scale | normalization_flags::use_shift;
    const auto attr = dnnl_ctx::scratchpad_attr();
    const auto prop = graph ? prop_kind::forward_training : prop_kind::forward_inference;
    layer_normalization_forward::primitive_desc fwd(layer_normalization_forward::desc(prop, data, eps, flags), attr,
                                                    dnnl_ctx::engine());
    LayerNormEntry e;
    e.forward = BoundPrimitive(layer_normalization_forward(fwd),
                               {{DNNL_ARG_SRC, data},
                                {DNNL_ARG_DST, data},
                                {DNNL_ARG_SCALE, vec},
                                {DNNL_ARG_SHIFT, vec},
                                {DNNL_ARG_MEAN, fwd.mean_desc()},
                                {DNNL_ARG_VARIANCE, fwd.variance_desc()}},
                               fwd.scratchpad_desc());
    if (!graph) return e;
    layer_normalization_backward::primitive_desc bwd(
        layer_normalization_backward::desc(prop_kind::backward, data, data, eps, flags), attr, dnnl_ctx::engine(), fwd);
    e.backward = BoundPrimitive(layer_normalization_backward(bwd),
                                {{DNNL_ARG_SRC, data},
                                 {DNNL_ARG_MEAN, bwd.mean_desc()},
                                 {DNNL_ARG_VARIANCE, bwd.variance_desc()},
                                 {DNNL_ARG_DIFF_DST, data},
                                 {DNNL_ARG_SCALE, vec},
                                 {DNNL_ARG_SHIFT, vec},
                                 {DNNL_ARG_DIFF_SRC, data},
                                 {DNNL_ARG_DIFF_SCALE, vec},
                                 {DNNL_ARG_DIFF_SHIFT, vec}},
                                bwd.scratchpad_desc());
    return e;
}

LayerNormEntry& entry(std::int64_t rows, std::int64_t d, bool graph, float eps) {
    static dnnl_ctx::PrimitiveCache<LayerNormEntry> cache;
    return cache.get(
        {static_cast<std::uint32_t>(OpKind::layer_norm), {rows, d, graph, std::bit_cast<std::int32_t>(eps)}},
        [&] { return make_entry(rows, d, graph, eps); });
}

struct LayerNormNode : Node {
    BoundPrimitive* backward_primitive = nullptr;
    Tensor mean, variance;  // per row, as the forward normalised with; the op's own
    void backward(const Tensor& gout) override;
};

void LayerNormNode::backward(const Tensor& gout) {
    const Tensor& x = saved(0);
    const Tensor& gamma = saved(1);
    const Tensor& beta = saved(2);
    Tensor gx = Tensor::empty(x.shape());
    Tensor ggamma = Tensor::empty(gamma.shape());
    Tensor gbeta = Tensor::empty(beta.shape());
    backward_primitive->set(DNNL_ARG_SRC, x.data())
        .set(DNNL_ARG_MEAN, mean.data())
        .set(DNNL_ARG_VARIANCE, variance.data())
        .set(DNNL_ARG_DIFF_DST, gout.data())
        .set(DNNL_ARG_SCALE, gamma.data())
        .set(DNNL_ARG_SHIFT, beta.data())
        .set(DNNL_ARG_DIFF_SRC, gx.data())
        .set(DNNL_ARG_DIFF_SCALE, ggamma.data())
        .set(DNNL_ARG_DIFF_SHIFT, gbeta.data())
        .run();
    accumulate_grad(*inputs[0], gx);
    accumulate_grad(*inputs[1], ggamma);
    accumulate_grad(*inputs[2], gbeta);
}

void check_arguments(const Variable& x, const Variable& gamma, const Variable& beta, float eps) {
    if (!x.defined() || !gamma.defined() || !beta.defined()) fail("layer_norm: x, gamma and beta must all be defined");
    if (x.value().rank() < 1 || x.value().numel() == 0)
        fail("layer_norm: input must be non-empty with a last (feature) dimension, got {}", x.shape().str());
    const std::int64_t d = x.dim(x.value().rank() - 1);
    for (const auto& [what, v] : {std::pair{"gamma", &gamma}, std::pair{"beta", &beta}})
        if (v->value().rank() != 1 || v->dim(0) != d)
            fail("layer_norm: {} {} must be [{}], the last dimension of input {}", what, v->shape().str(), d,
                 x.shape().str());
    if (!(eps > 0.0f)) fail("layer_norm: eps must be > 0, got {}", eps);
}

}  // namespace

Variable layer_norm(const Variable& x, const Variable& gamma, const Variable& beta, float eps) {
    check_input_type("layer_norm", x, false);
    check_arguments(x, gamma, beta, eps);
    const std::int64_t d = x.dim(x.value().rank() - 1);
    const std::int64_t rows = x.value().numel() / d;
    const bool graph = needs_graph({&x, &gamma, &beta});
    LayerNormEntry& prims = entry(rows, d, graph, eps);
    Tensor y = Tensor::empty(x.shape());
    prims.forward.set(DNNL_ARG_SRC, x.value().data())
        .set(DNNL_ARG_DST, y.data())
        .set(DNNL_ARG_SCALE, gamma.value().data())
        .set(DNNL_ARG_SHIFT, beta.value().data());
    Tensor mean, variance;
    if (graph) {
        mean = Tensor::empty({rows});
        variance = Tensor::empty({rows});
        prims.forward.set(DNNL_ARG_MEAN, mean.data()).set(DNNL_ARG_VARIANCE, variance.data());
    }
    prims.forward.run();
    return record<LayerNormNode>(OpKind::layer_norm, std::move(y), graph, {&x, &gamma, &beta},
                                 [&](LayerNormNode& node) {
                                     node.backward_primitive = &prims.backward;
                                     node.mean = std::move(mean);
                                     node.variance = std::move(variance);
                                     node.save(x.value(), "input");
                                     node.save(gamma.value(), "gamma");
                                     node.save(beta.value(), "beta");
                                 });
}

}  // namespace lskd::ops
