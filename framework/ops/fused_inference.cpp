// Fused inference kernels. The convolution is oneDNN's direct convolution on explicit NHWC activations (as
// conv2d's, so no activation reorders) with weights in the primitive's preferred format; its post-ops are
// [sum] then [eltwise ReLU], so dst = relu(conv(x) + bias + dst) in one pass over the output. linear_inference
// is defined in linear.cpp, on linear's own cached primitives.
#include "framework/ops/fused_inference.hpp"

#include <vector>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/dnnl/reorder.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

// Cache key id: the cache is its own map, so it need only differ from nothing else.
constexpr std::uint32_t kFusedConvKey = 0x1f00;

struct ConvGeometry {
    std::int64_t n, h, w, c, o, kh, kw, ho, wo;
};

}  // namespace

struct InferenceConv::Entry {
    BoundPrimitive forward;
    memory::desc weights;  // the primitive's weight format
    bool plain = true;     // it is plain OIHW: the owned weights are read as they are
    BoundPrimitive reorder;
};

namespace {

InferenceConv::Entry make_conv_entry(const ConvGeometry& g, const ConvFusion& f) {
    const auto src = dnnl_ctx::md_nhwc(g.n, g.h, g.w, g.c);
    const auto dst = dnnl_ctx::md_nhwc(g.n, g.ho, g.wo, g.o);
    const auto oihw = dnnl_ctx::md_oihw(g.o, g.c, g.kh, g.kw);
    const auto bias = dnnl_ctx::md_x(g.o);
    const memory::dims strides{f.stride, f.stride}, pad{f.padding, f.padding};
    convolution_forward::primitive_desc pd(
        convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct, src,
                                  dnnl_ctx::md_any({g.o, g.c, g.kh, g.kw}), bias, dst, strides, pad, pad),
        dnnl_ctx::scratchpad_attr(f.relu, f.sum), dnnl_ctx::engine());
    LSKD_CHECK(pd.src_desc() == src && pd.dst_desc() == dst, "fused conv did not keep NHWC activations");
    InferenceConv::Entry e;
    e.weights = pd.weights_desc();
    e.plain = e.weights == oihw;
    if (!e.plain) e.reorder = dnnl_ctx::make_reorder(oihw, e.weights);
    e.forward =
        BoundPrimitive(convolution_forward(pd),
                       {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, e.weights}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}},
                       pd.scratchpad_desc());
    return e;
}

}  // namespace

struct InferenceConv::Formats {
    struct Formatted {
        memory::desc desc;
        std::uint64_t generation = 0;
        Tensor buffer;
    };
    std::vector<Formatted> list;
};

InferenceConv::InferenceConv(const Shape& weight_shape, ConvFusion fusion)
    : fusion_(fusion), formats_(std::make_unique<Formats>()) {
    if (weight_shape.rank() != 4 || weight_shape.numel() == 0)
        fail("fused conv: weight must be a non-empty OIHW [O, C, kh, kw], got {}", weight_shape.str());
    if (fusion.stride < 1 || fusion.padding < 0)
        fail("fused conv: need stride >= 1 and padding >= 0, got stride {} padding {}", fusion.stride, fusion.padding);
    weight_ = Tensor::zeros(weight_shape);
    bias_ = Tensor::zeros({weight_shape[0]});
}

InferenceConv::~InferenceConv() = default;

Shape InferenceConv::output_shape(const Tensor& x) const {
    const Shape& w = weight_.shape();
    if (x.rank() != 4 || x.dim(3) != w[1] || x.dim(0) < 1)
        fail("fused conv: input must be NHWC [N, H, W, {}] with N >= 1, got {}", w[1], x.shape().str());
    const std::int64_t ph = x.dim(1) + 2 * fusion_.padding, pw = x.dim(2) + 2 * fusion_.padding;
    if (w[2] > ph || w[3] > pw)
        fail("fused conv: kernel {}x{} is larger than the padded input {}x{} (input {})", w[2], w[3], ph, pw,
             x.shape().str());
    return {x.dim(0), (ph - w[2]) / fusion_.stride + 1, (pw - w[3]) / fusion_.stride + 1, w[0]};
}

InferenceConv::Entry& InferenceConv::entry_for(const Tensor& x) {
    static dnnl_ctx::PrimitiveCache<Entry> cache;
    const Shape out = output_shape(x);
    const Shape& w = weight_.shape();
    const ConvGeometry g{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w[0], w[2], w[3], out[1], out[2]};
    return cache.get(
        {kFusedConvKey,
         {g.n, g.h, g.w, g.c, g.o, g.kh, g.kw, fusion_.stride, fusion_.padding, fusion_.sum, fusion_.relu}},
        [&] { return make_conv_entry(g, fusion_); });
}

const float* InferenceConv::weights_for(Entry& e) {
    if (e.plain) return weight_.data();
    Formats::Formatted* f = nullptr;
    for (auto& candidate : formats_->list)
        if (candidate.desc == e.weights) f = &candidate;
    if (f == nullptr) {
        f = &formats_->list.emplace_back();
        f->desc = e.weights;
        f->buffer =
            Tensor::empty({static_cast<std::int64_t>((e.weights.get_size() + sizeof(float) - 1) / sizeof(float))});
    }
    if (f->generation != generation_) {
        e.reorder.set(DNNL_ARG_FROM, weight_.data()).set(DNNL_ARG_TO, f->buffer.data()).run();
        f->generation = generation_;
        ++reorders_;
    }
    return f->buffer.data();
}

Tensor InferenceConv::run(const Tensor& x) {
    LSKD_CHECK(!fusion_.sum, "fused conv with a sum post-op needs run_into");
    Tensor y = Tensor::empty(output_shape(x));
    Entry& e = entry_for(x);
    e.forward.set(DNNL_ARG_SRC, x.data())
        .set(DNNL_ARG_WEIGHTS, weights_for(e))
        .set(DNNL_ARG_BIAS, bias_.data())
        .set(DNNL_ARG_DST, y.data())
        .run();
    return y;
}

void InferenceConv::run_into(const Tensor& x, Tensor& dst) {
    LSKD_CHECK(fusion_.sum, "fused conv without a sum post-op writes a new output: use run");
    const Shape out = output_shape(x);
    if (!(dst.shape() == out))
        fail("fused conv: the residual {} does not match the convolution's output {}", dst.shape().str(), out.str());
    Entry& e = entry_for(x);
    e.forward.set(DNNL_ARG_SRC, x.data())
        .set(DNNL_ARG_WEIGHTS, weights_for(e))
        .set(DNNL_ARG_BIAS, bias_.data())
        .set(DNNL_ARG_DST, dst.data())
        .run();
}

}  // namespace lskd::ops
