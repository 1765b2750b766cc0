#include "framework/ops/pooling.hpp"

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/max_pool_argmax.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops::detail {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct PoolEntry {
    BoundPrimitive forward;
    BoundPrimitive backward;
    std::size_t workspace_bytes = 0;  // max-pooling in training only
};

algorithm to_dnnl(PoolAlgorithm a) {
    switch (a) {
        case PoolAlgorithm::max: return algorithm::pooling_max;
        case PoolAlgorithm::avg_include_padding: return algorithm::pooling_avg_include_padding;
        case PoolAlgorithm::avg_exclude_padding: return algorithm::pooling_avg_exclude_padding;
    }
    return algorithm::pooling_max;
}

PoolEntry make_entry(PoolAlgorithm a, const Shape& in, const Shape& out, const PoolWindow& win, bool training) {
    const auto src = dnnl_ctx::md_nhwc(in[0], in[1], in[2], in[3]);
    const auto dst = dnnl_ctx::md_nhwc(out[0], out[1], out[2], out[3]);
    const memory::dims strides{win.stride_h, win.stride_w}, kernel{win.kh, win.kw}, pad{win.pad_h, win.pad_w};
    const auto attr = dnnl_ctx::scratchpad_attr();
    const auto prop = training ? prop_kind::forward_training : prop_kind::forward_inference;
    pooling_forward::primitive_desc fwd(pooling_forward::desc(prop, to_dnnl(a), src, dst, strides, kernel, pad, pad),
                                        attr, dnnl_ctx::engine());
    PoolEntry e;
    const memory::desc ws = training ? fwd.workspace_desc() : memory::desc();
    e.workspace_bytes = ws.get_size();
    e.forward = BoundPrimitive(pooling_forward(fwd),
                               {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}, {DNNL_ARG_WORKSPACE, ws}},
                               fwd.scratchpad_desc());
    if (!training) return e;
    pooling_backward::primitive_desc bwd(pooling_backward::desc(to_dnnl(a), src, dst, strides, kernel, pad, pad), attr,
                                         dnnl_ctx::engine(), fwd);
    e.backward = BoundPrimitive(pooling_backward(bwd),
                                {{DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_WORKSPACE, ws}, {DNNL_ARG_DIFF_SRC, src}},
                                bwd.scratchpad_desc());
    return e;
}

PoolEntry& entry(OpKind kind, PoolAlgorithm a, const Shape& in, const Shape& out, const PoolWindow& win,
                 bool training) {
    static dnnl_ctx::PrimitiveCache<PoolEntry> cache;
    return cache.get({static_cast<std::uint32_t>(kind),
                      {static_cast<std::int64_t>(a), in[0], in[1], in[2], in[3], win.kh, win.kw, win.stride_h,
                       win.stride_w, win.pad_h, win.pad_w, training}},
                     [&] { return make_entry(a, in, out, win, training); });
}

// Max pooling in training runs on max_pool_argmax (see there why); its argmax lives in the node.
struct MaxPoolArgmaxNode : Node {
    MaxPoolGeometry geometry{};
    Tensor argmax;  // one byte per output element
    void backward(const Tensor& gout) override;
};

MaxPoolGeometry max_pool_geometry(const Shape& in, const Shape& out, const PoolWindow& win) {
    return {in[0],  in[1],  in[2],        in[3],        out[1],    out[2],
            win.kh, win.kw, win.stride_h, win.stride_w, win.pad_h, win.pad_w};
}

std::uint8_t* bytes(Tensor& t) { return reinterpret_cast<std::uint8_t*>(t.data()); }

void MaxPoolArgmaxNode::backward(const Tensor& gout) {
    Tensor gx = Tensor::empty({geometry.n, geometry.h, geometry.w, geometry.c});
    max_pool_backward_argmax(gout.data(), bytes(argmax), gx.data(), geometry);
    accumulate_grad(*inputs[0], gx);
}

struct PoolNode : Node {
    PoolEntry* prims = nullptr;
    Shape input_shape;
    Tensor workspace;  // max-pooling's argmax record, or undefined
    void backward(const Tensor& gout) override;
};

}  // namespace

void check_pool_options(const char* op, const Variable& x, std::int64_t kernel, std::int64_t stride,
                        std::int64_t padding) {
    if (x.value().rank() != 4) fail("{}: input must be NHWC [N, H, W, C], got {}", op, x.shape().str());
    if (x.value().numel() == 0) fail("{}: empty input {}", op, x.shape().str());
    if (kernel < 1) fail("{}: kernel must be >= 1, got {}", op, kernel);
    if (stride < 1) fail("{}: stride must be >= 1, got {}", op, stride);
    if (padding < 0 || 2 * padding > kernel)
        fail("{}: padding must be in [0, kernel/2] = [0, {}], got {}", op, kernel / 2, padding);
    if (kernel > x.dim(1) + 2 * padding || kernel > x.dim(2) + 2 * padding)
        fail("{}: kernel {} is larger than the padded input {}x{} (input {}, padding {})", op, kernel,
             x.dim(1) + 2 * padding, x.dim(2) + 2 * padding, x.shape().str(), padding);
}

Variable pool2d(OpKind kind, PoolAlgorithm algorithm, const Variable& x, const PoolWindow& win, const PostOps& post) {
    check_input_type(op_name(kind), x, false);
    const bool relu = post.relu;
    LSKD_CHECK(!relu || algorithm == PoolAlgorithm::max, "pool2d: a fused relu needs max pooling");
    const Shape& in = x.shape();
    const Shape out{in[0], pooled_size(in[1], win.kh, win.stride_h, win.pad_h),
                    pooled_size(in[2], win.kw, win.stride_w, win.pad_w), in[3]};
    const bool graph = needs_graph({&x});
    if (graph && algorithm == PoolAlgorithm::max && win.kh * win.kw <= kMaxPoolArgmaxWindow) {
        const MaxPoolGeometry g = max_pool_geometry(in, out, win);
        Tensor y = Tensor::empty(out);
        Tensor argmax = Tensor::empty({(out.numel() + 3) / 4});
        max_pool_forward_argmax(x.value().data(), y.data(), bytes(argmax), g, relu);
        return record<MaxPoolArgmaxNode>(kind, std::move(y), graph, {&x}, [&](MaxPoolArgmaxNode& node) {
            node.geometry = g;
            node.argmax = std::move(argmax);
        });
    }
    PoolEntry& prims = entry(kind, algorithm, in, out, win, graph);
    Tensor y = Tensor::empty(out);
    Tensor workspace;
    prims.forward.set(DNNL_ARG_SRC, x.value().data()).set(DNNL_ARG_DST, y.data());
    if (prims.workspace_bytes > 0) {
        workspace = Tensor::empty({static_cast<std::int64_t>(prims.workspace_bytes / sizeof(float) + 1)});
        prims.forward.set(DNNL_ARG_WORKSPACE, workspace.data());
    }
    prims.forward.run();
    Variable pooled = record<PoolNode>(kind, std::move(y), graph, {&x}, [&](PoolNode& node) {
        node.prims = &prims;
        node.input_shape = in;
        node.workspace = std::move(workspace);
    });
    return relu ? ops::relu(pooled) : pooled;
}

void PoolNode::backward(const Tensor& gout) {
    Tensor gx = Tensor::empty(input_shape);
    prims->backward.set(DNNL_ARG_DIFF_DST, gout.data()).set(DNNL_ARG_DIFF_SRC, gx.data());
    if (workspace.defined()) prims->backward.set(DNNL_ARG_WORKSPACE, workspace.data());
    prims->backward.run();
    accumulate_grad(*inputs[0], gx);
}

}  // namespace lskd::ops::detail
