// conv2d: oneDNN direct convolution with explicit NHWC activations (no activation reorders: the
// brgconv/jit kernels run on acdb directly) and weights in whatever format the primitive prefers.
//
// Master weights stay plain OIHW in their Variable. Before a primitive reads them they are reordered into
// the primitive's format, and the result is cached per (weight id, format): it is reused until the weight
// tensor's version (bumped by every in-place write, optimizer steps included) or storage changes, so a
// training step reorders each weight at most once per format (forward and backward-data may want
// different formats). The buffers are drawn once from the pool and overwritten in place afterwards. Weight
// gradients come out of backward-weights in its own format and are reordered back to OIHW. All
// primitives, reorders included, are created together in one cache entry per shape.
//
// With the relu post-op, max(0, ·) runs inside the forward primitive, and backward first masks the
// incoming gradient by the saved output, dy·[y > 0], as the relu op would. conv2d_inference (the fused
// inference pass's convolution) runs the same cached forward_inference primitives, with a sum post-op besides.
//
// Under bf16 compute precision (precision.hpp) both run the bf16 path of bf16_weighted.hpp instead; the weight cache
// is prepared_weights.hpp, shared by both paths.
#include <memory>
#include <unordered_map>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/bf16_weighted.hpp"
#include "framework/ops/conv_geometry.hpp"
#include "framework/ops/conv_primitives.hpp"
#include "framework/ops/fused_inference.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/ops/prepared_weights.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/relu_backward.hpp"
#include "framework/ops/weight_reorders.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dt = memory::data_type;

WeightedPrimitives& entry(const ConvGeometry& g, bool training) {
    static dnnl_ctx::PrimitiveCache<WeightedPrimitives> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::conv2d),
                      {g.n, g.h, g.w, g.c, g.o, g.kh, g.kw, g.stride, g.pad, g.bias, g.relu, g.sum, training}},
                     [&] { return make_conv_primitives(g, training, dt::f32, dt::f32); });
}

struct ConvNode : Node {
    WeightedPrimitives* prims = nullptr;
    bool has_bias = false;
    bool relu = false;  // the output was saved third, to mask the incoming gradient
    void backward(const Tensor& gout) override;
};

}  // namespace

ConvGeometry conv_geometry(const Tensor& x, const Tensor& w, const Tensor* b, std::int64_t stride,
                           std::int64_t padding) {
    if (x.rank() != 4) fail("conv2d: input must be NHWC [N, H, W, C], got {}", x.shape().str());
    if (w.rank() != 4) fail("conv2d: weight must be OIHW [O, C, kh, kw], got {}", w.shape().str());
    if (x.dim(3) != w.dim(1))
        fail("conv2d: input {} has {} channels but weight {} expects {}", x.shape().str(), x.dim(3), w.shape().str(),
             w.dim(1));
    const bool bias = b != nullptr && b->defined();
    if (bias && (b->rank() != 1 || b->dim(0) != w.dim(0)))
        fail("conv2d: bias {} does not match weight {} (expected [{}])", b->shape().str(), w.shape().str(), w.dim(0));
    if (stride < 1) fail("conv2d: stride must be >= 1, got {}", stride);
    if (padding < 0) fail("conv2d: padding must be >= 0, got {}", padding);
    ConvGeometry g{};
    g.n = x.dim(0), g.h = x.dim(1), g.w = x.dim(2), g.c = x.dim(3);
    g.o = w.dim(0), g.kh = w.dim(2), g.kw = w.dim(3);
    g.stride = stride, g.pad = padding, g.bias = bias;
    if (g.kh < 1 || g.kw < 1 || g.o < 1 || g.c < 1 || g.n < 1)
        fail("conv2d: empty input {} or weight {}", x.shape().str(), w.shape().str());
    if (g.kh > g.h + 2 * g.pad || g.kw > g.w + 2 * g.pad)
        fail("conv2d: kernel {}x{} is larger than the padded input {}x{} (input {}, padding {})", g.kh, g.kw,
             g.h + 2 * g.pad, g.w + 2 * g.pad, x.shape().str(), g.pad);
    g.ho = (g.h + 2 * g.pad - g.kh) / g.stride + 1;
    g.wo = (g.w + 2 * g.pad - g.kw) / g.stride + 1;
    return g;
}

namespace {

void run_forward(WeightedPrimitives& prims, const Tensor& x, const std::shared_ptr<VarImpl>& w, const Tensor* b,
                 Tensor& y) {
    prims.forward.set(DNNL_ARG_SRC, x.data())
        .set(DNNL_ARG_WEIGHTS, weights_in_format(w, prims.forward_weights))
        .set(DNNL_ARG_DST, y.data());
    if (b != nullptr) prims.forward.set(DNNL_ARG_BIAS, b->data());
    prims.forward.run();
}

}  // namespace

Shape conv2d_output_shape(const Tensor& x, const Tensor& w, std::int64_t stride, std::int64_t padding) {
    const ConvGeometry g = conv_geometry(x, w, nullptr, stride, padding);
    return {g.n, g.ho, g.wo, g.o};
}

void conv2d_inference(const Tensor& x, const Variable& w, const Tensor& b, const Conv2dOptions& options,
                      const PostOps& post, Tensor& dst, Bf16Io io) {
    check_post_ops("conv2d", post, {.sum = true, .relu = true});
    ConvGeometry g = conv_geometry(x, w.value(), &b, options.stride, options.padding);
    g.relu = post.relu;
    g.sum = post.sum;
    if (!(dst.shape() == Shape{g.n, g.ho, g.wo, g.o}))
        fail("conv2d: the output {} does not match the convolution's [{}, {}, {}, {}]", dst.shape().str(), g.n, g.ho,
             g.wo, g.o);
    if (compute_precision() == Precision::bf16)
        return bf16_weighted_inference(conv2d_bf16_entry(g, false, io), x, io.input, w.impl(), b, dst);
    LSKD_CHECK(!io.input && !io.output, "conv2d: bf16 activations under f32 compute precision");
    run_forward(entry(g, false), x, w.impl(), g.bias ? &b : nullptr, dst);
}

Variable conv2d(const Variable& x, const Variable& w, const Variable& b, Conv2dOptions options, const PostOps& post) {
    check_post_ops("conv2d", post, {.relu = true, .bf16 = {.input = true, .output = true}});
    ConvGeometry g =
        conv_geometry(x.value(), w.value(), b.defined() ? &b.value() : nullptr, options.stride, options.padding);
    g.relu = post.relu;
    const bool bias = g.bias;
    const bool graph = needs_graph({&x, &w, &b});
    if (compute_precision() == Precision::bf16)
        return bf16_weighted_forward(OpKind::conv2d, conv2d_bf16_entry(g, graph, post.bf16), x, w, b, post.relu, graph,
                                     Tensor::empty({g.n, g.ho, g.wo, g.o}), post.bf16);
    LSKD_CHECK(!post.bf16.any(), "conv2d: bf16 activations under f32 compute precision");
    check_input_type("conv2d", x, false);
    WeightedPrimitives& prims = entry(g, graph);
    Tensor y = Tensor::empty({g.n, g.ho, g.wo, g.o});
    run_forward(prims, x.value(), w.impl(), bias ? &b.value() : nullptr, y);
    return record<ConvNode>(OpKind::conv2d, y, graph, {&x, &w, &b}, [&](ConvNode& node) {
        node.prims = &prims;
        node.has_bias = bias;
        node.relu = post.relu;
        node.save(x.value(), "input");
        node.save(w.value(), "weight");
        if (post.relu) node.save(y, "output");
    });
}

void ConvNode::backward(const Tensor& grad_output) {
    const Tensor& x = saved(0);
    const Shape& wshape = saved(1).shape();
    const Tensor gout = relu ? relu_backward(saved(2), grad_output) : grad_output;
    if (needs_grad(0)) {
        Tensor gx = Tensor::empty(x.shape());
        prims->backward_data.set(DNNL_ARG_DIFF_DST, gout.data())
            .set(DNNL_ARG_WEIGHTS, weights_in_format(inputs[1], prims->backward_data_weights))
            .set(DNNL_ARG_DIFF_SRC, gx.data())
            .run();
        accumulate_grad(*inputs[0], gx);
    }
    if (needs_grad(1) || (has_bias && needs_grad(2))) {
        WeightGrads g =
            run_backward_weights(prims->backward_weights, prims->diff_weights, wshape, has_bias, x.data(), gout.data());
        accumulate_grad(*inputs[1], g.weight);
        if (has_bias) accumulate_grad(*inputs[2], g.bias);
    }
}

}  // namespace lskd::ops
