// batch_norm: oneDNN batch normalization over the channel axis, which is last in memory for both [N, C]
// (nc) and NHWC activations (a 4-D nhwc descriptor), so the jit kernel runs without reorders.
//
// Training: forward_training computes the batch mean and (biased) variance, which normalise the batch, are
// kept for backward, and update the running averages in place:
//     running_mean = (1 − m)·running_mean + m·mean
//     running_var  = (1 − m)·running_var  + m·var·n/(n − 1)     (n = N·H·W; unbiased, as PyTorch)
// Evaluation: use_global_stats with the running averages (forward_inference without a graph; with one,
// forward_training + use_global_stats and a backward of the same flags, so eval-mode gradients exist).
// gamma and beta enter as the separate scale and shift arguments of oneDNN 2.6 (use_scale | use_shift).
// With the relu post-op the ReLU that follows runs inside the same primitives (fuse_norm_relu): forward_training
// then writes a workspace (which outputs were positive) that backward reads.
// With bf16 activations (post_ops.hpp, Bf16Io: input and output both, since oneDNN 2.6 normalises one data type)
// the input, output and both their gradients are bf16; the statistics, running averages, gamma and beta and their
// gradients stay f32, and the primitives compute in f32 (docs/speed.md, "bf16 mixed precision").
#include <bit>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

using namespace dnnl;
using dnnl_ctx::BoundPrimitive;

struct BnEntry {
    BoundPrimitive forward;
    BoundPrimitive backward;
    std::size_t workspace_bytes = 0;  // fused ReLU in forward_training only
};

struct BnConfig {
    Shape shape;  // [N, C] or [N, H, W, C]
    bool scale = false, shift = false;
    bool global_stats = false;  // evaluation: normalise with the running averages
    bool graph = false;
    bool relu = false;
    bool bf16 = false;  // bf16 activations and gradients
    float eps = 1e-5f;
};

BnEntry make_entry(const BnConfig& cfg) {
    const Shape& s = cfg.shape;
    const bool spatial = s.rank() == 4;
    const std::int64_t c = s[s.rank() - 1];
    // [N, C] is described as NHWC [N, 1, 1, C] (the same bytes): 2-D `nc` gets the generic ncsp kernel,
    // nhwc the jit one (measured on 2.6.3).
    const auto type = dnnl_ctx::value_type(cfg.bf16);
    const auto data = spatial ? dnnl_ctx::md_nhwc(s[0], s[1], s[2], s[3], type)
                              : dnnl_ctx::md_nhwc(s[0], 1, 1, s[1], type);
    const auto channel = dnnl_ctx::md_x(c);
    const auto scale = cfg.scale ? channel : memory::desc();
    const auto shift = cfg.shift ? channel : memory::desc();
    auto flags = normalization_flags::none;
    if (cfg.scale) flags |= normalization_flags::use_scale;
    if (cfg.shift) flags |= normalization_flags::use_shift;
    if (cfg.global_stats) flags |= normalization_flags::use_global_stats;
    if (cfg.relu) flags |= normalization_flags::fuse_norm_relu;
    const auto attr = dnnl_ctx::scratchpad_attr();
    // Batch statistics always need forward_training (it is what outputs mean and variance).
    const auto prop = (cfg.graph || !cfg.global_stats) ? prop_kind::forward_training : prop_kind::forward_inference;
    batch_normalization_forward::primitive_desc fwd(batch_normalization_forward::desc(prop, data, cfg.eps, flags), attr,
                                                    dnnl_ctx::engine());
    BnEntry e;
    const memory::desc ws = cfg.relu && prop == prop_kind::forward_training ? fwd.workspace_desc() : memory::desc();
    e.workspace_bytes = ws.get_size();
    e.forward = BoundPrimitive(batch_normalization_forward(fwd),
                               {{DNNL_ARG_SRC, data},
                                {DNNL_ARG_DST, data},
                                {DNNL_ARG_SCALE, scale},
                                {DNNL_ARG_SHIFT, shift},
                                {DNNL_ARG_MEAN, fwd.mean_desc()},
                                {DNNL_ARG_VARIANCE, fwd.variance_desc()},
                                {DNNL_ARG_WORKSPACE, ws}},
                               fwd.scratchpad_desc());
    if (!cfg.graph) return e;
    const auto bprop = (cfg.scale || cfg.shift) ? prop_kind::backward : prop_kind::backward_data;
    batch_normalization_backward::primitive_desc bwd(
        batch_normalization_backward::desc(bprop, data, data, cfg.eps, flags), attr, dnnl_ctx::engine(), fwd);
    e.backward = BoundPrimitive(batch_normalization_backward(bwd),
                                {{DNNL_ARG_SRC, data},
                                 {DNNL_ARG_MEAN, bwd.mean_desc()},
                                 {DNNL_ARG_VARIANCE, bwd.variance_desc()},
                                 {DNNL_ARG_DIFF_DST, data},
                                 {DNNL_ARG_SCALE, scale},
                                 {DNNL_ARG_SHIFT, shift},
                                 {DNNL_ARG_DIFF_SRC, data},
                                 {DNNL_ARG_DIFF_SCALE, scale},
                                 {DNNL_ARG_DIFF_SHIFT, shift},
                                 {DNNL_ARG_WORKSPACE, ws}},
                                bwd.scratchpad_desc());
    return e;
}

BnEntry& entry(const BnConfig& cfg) {
    static dnnl_ctx::PrimitiveCache<BnEntry> cache;
    const Shape& s = cfg.shape;
    const bool spatial = s.rank() == 4;
    return cache.get({static_cast<std::uint32_t>(OpKind::batch_norm),
                      {s.rank(), s[0], spatial ? s[1] : 1, spatial ? s[2] : 1, s[s.rank() - 1], cfg.scale, cfg.shift,
                       cfg.global_stats, cfg.graph, cfg.relu, cfg.bf16, std::bit_cast<std::int32_t>(cfg.eps)}},
                     [&] { return make_entry(cfg); });
}

struct BatchNormNode : Node {
    BnEntry* prims = nullptr;
    Tensor mean, variance;  // the statistics the forward normalised with, the op's own
    Tensor workspace;       // the fused ReLU's record, or undefined
    bool has_scale = false, has_shift = false;
    void backward(const Tensor& gout) override;
};

void check_channel_vector(const char* what, const Tensor* t, std::int64_t c, const Shape& x) {
    if (t == nullptr) return;
    if (!t->defined()) fail("batch_norm: {} is an undefined tensor", what);
    if (t->rank() != 1 || t->dim(0) != c)
        fail("batch_norm: {} {} does not match the {} channels of input {}", what, t->shape().str(), c, x.str());
}

}  // namespace

Variable batch_norm(const Variable& x, const Variable& gamma, const Variable& beta, const BatchNormState& state,
                    const PostOps& post) {
    check_post_ops("batch_norm", post, {.relu = true, .bf16 = {.input = true, .output = true}});
    if (post.bf16.input != post.bf16.output)
        fail("batch_norm: bf16 activations are its input and output both, or neither");
    LSKD_CHECK(!post.bf16.any() || compute_precision() == Precision::bf16,
               "batch_norm: bf16 activations under f32 compute precision");
    check_input_type("batch_norm", x, post.bf16.input);
    const int rank = x.value().rank();
    if (rank != 2 && rank != 4) fail("batch_norm: input must be [N, C] or NHWC [N, H, W, C], got {}", x.shape().str());
    if (x.value().numel() == 0) fail("batch_norm: empty input {}", x.shape().str());
    const std::int64_t c = x.dim(rank - 1);
    if (gamma.defined()) check_channel_vector("gamma", &gamma.value(), c, x.shape());
    if (beta.defined()) check_channel_vector("beta", &beta.value(), c, x.shape());
    check_channel_vector("running_mean", state.running_mean, c, x.shape());
    check_channel_vector("running_var", state.running_var, c, x.shape());
    if (!(state.eps > 0.0f)) fail("batch_norm: eps must be > 0, got {}", state.eps);
    const std::int64_t per_channel = x.value().numel() / c;
    if (state.training) {
        if (per_channel < 2)
            fail("batch_norm: training needs more than one value per channel, got input {}", x.shape().str());
        if (!(state.momentum >= 0.0f && state.momentum <= 1.0f))
            fail("batch_norm: momentum must be in [0, 1], got {}", state.momentum);
        if ((state.running_mean == nullptr) != (state.running_var == nullptr))
            fail("batch_norm: give both running_mean and running_var, or neither");
    } else if (state.running_mean == nullptr || state.running_var == nullptr) {
        fail("batch_norm: evaluation mode needs running_mean and running_var");
    }

    BnConfig cfg;
    cfg.shape = x.shape();
    cfg.scale = gamma.defined();
    cfg.shift = beta.defined();
    cfg.global_stats = !state.training;
    cfg.graph = needs_graph({&x, &gamma, &beta});
    cfg.eps = state.eps;
    cfg.relu = post.relu;
    cfg.bf16 = post.bf16.input;
    BnEntry& prims = entry(cfg);

    Tensor y = Tensor::empty(x.shape());
    Tensor mean, variance;
    if (state.training) {
        mean = Tensor::empty({c});
        variance = Tensor::empty({c});
    } else if (cfg.graph) {
        // Backward must see the statistics this forward used, whatever happens to the buffers later.
        mean = state.running_mean->clone();
        variance = state.running_var->clone();
    } else {
        mean = *state.running_mean;
        variance = *state.running_var;
    }
    prims.forward.set(DNNL_ARG_SRC, x.value().data())
        .set(DNNL_ARG_DST, y.data())
        .set(DNNL_ARG_MEAN, mean.data())
        .set(DNNL_ARG_VARIANCE, variance.data());
    if (cfg.scale) prims.forward.set(DNNL_ARG_SCALE, gamma.value().data());
    if (cfg.shift) prims.forward.set(DNNL_ARG_SHIFT, beta.value().data());
    Tensor workspace;
    if (prims.workspace_bytes > 0) {
        workspace =
            Tensor::empty({static_cast<std::int64_t>((prims.workspace_bytes + sizeof(float) - 1) / sizeof(float))});
        prims.forward.set(DNNL_ARG_WORKSPACE, workspace.data());
    }
    prims.forward.run();

    if (state.training && state.running_mean != nullptr) {
        const float m = state.momentum;
        const float unbias = static_cast<float>(per_channel) / static_cast<float>(per_channel - 1);
        float* rm = state.running_mean->values_in_place().data();
        float* rv = state.running_var->values_in_place().data();
        for (std::int64_t i = 0; i < c; ++i) {
            rm[i] = (1.0f - m) * rm[i] + m * mean.at(i);
            rv[i] = (1.0f - m) * rv[i] + m * variance.at(i) * unbias;
        }
    }

    Variable out = record<BatchNormNode>(OpKind::batch_norm, std::move(y), cfg.graph, {&x, &gamma, &beta},
                                         [&](BatchNormNode& node) {
                                             node.prims = &prims;
                                             node.mean = std::move(mean);
                                             node.variance = std::move(variance);
                                             node.workspace = std::move(workspace);
                                             node.has_scale = cfg.scale;
                                             node.has_shift = cfg.shift;
                                             node.save(x.value(), "input");
                                             if (cfg.scale) node.save(gamma.value(), "gamma");
                                             if (cfg.shift) node.save(beta.value(), "beta");
                                         });
    return holding_bf16(std::move(out), cfg.bf16);
}

void BatchNormNode::backward(const Tensor& gout) {
    const Tensor& x = saved(0);
    const std::int64_t c = mean.numel();
    Tensor gx = Tensor::empty(x.shape());
    Tensor gscale = has_scale ? Tensor::empty({c}) : Tensor();
    Tensor gshift = has_shift ? Tensor::empty({c}) : Tensor();
    prims->backward.set(DNNL_ARG_SRC, x.data())
        .set(DNNL_ARG_MEAN, mean.data())
        .set(DNNL_ARG_VARIANCE, variance.data())
        .set(DNNL_ARG_DIFF_DST, gout.data())
        .set(DNNL_ARG_DIFF_SRC, gx.data());
    if (workspace.defined()) prims->backward.set(DNNL_ARG_WORKSPACE, workspace.data());
    if (has_scale) prims->backward.set(DNNL_ARG_SCALE, saved(1).data()).set(DNNL_ARG_DIFF_SCALE, gscale.data());
    if (has_shift)
        prims->backward.set(DNNL_ARG_SHIFT, saved(has_scale ? 2 : 1).data()).set(DNNL_ARG_DIFF_SHIFT, gshift.data());
    prims->backward.run();
    accumulate_grad(*inputs[0], gx);
    if (has_scale) accumulate_grad(*inputs[1], gscale);
    if (has_shift) accumulate_grad(*inputs[2], gshift);
}

}  // namespace lskd::ops
