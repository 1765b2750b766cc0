// token_cross_entropy: the sequence loss, the token-weighted mean of −Σ_v q_v log softmax(z/T)_v. Its gradient
// w_i·((Σ_v q_iv)·softmax(z_i/T) − q_i) / (T·Σ_j w_j) is written directly. oneDNN runs the log-softmax, in place
// on the scaled logits so that the one buffer the node keeps is the only one the op makes, and the exponential of
// backward, into the gradient's own buffer.
#include <algorithm>
#include <array>
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/log_softmax_primitive.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::ops {
namespace {

using dnnl_ctx::BoundPrimitive;

// e^x over a flat buffer on oneDNN's vectorised eltwise: backward's softmax from the kept log-softmax.
BoundPrimitive& exp_primitive(std::int64_t count) {
    static dnnl_ctx::PrimitiveCache<BoundPrimitive> cache;
    return cache.get({static_cast<std::uint32_t>(OpKind::token_cross_entropy), {count}}, [&] {
        using namespace dnnl;
        const auto md = dnnl_ctx::md_x(count);
        eltwise_forward::primitive_desc pd(
            eltwise_forward::desc(prop_kind::forward_inference, algorithm::eltwise_exp, md, 0.f),
            dnnl_ctx::scratchpad_attr(), dnnl_ctx::engine());
        return BoundPrimitive(eltwise_forward(pd), {{DNNL_ARG_SRC, md}, {DNNL_ARG_DST, md}}, pd.scratchpad_desc());
    });
}

struct TokenCrossEntropyNode : Node {
    Tensor log_probs;  // log softmax(z/T), the op's own
    Tensor weights;    // w [N], the op's own copy
    float temperature = 1.0f;
    double total_weight = 0.0;
    void backward(const Tensor& gout) override;
};

void TokenCrossEntropyNode::backward(const Tensor& gout) {
    const Tensor& targets = saved(0);
    const std::int64_t n = log_probs.dim(0), v = log_probs.dim(1);
    const auto scale = static_cast<float>(gout.at(0) / (total_weight * temperature));
    Tensor gz = Tensor::empty(log_probs.shape());
    exp_primitive(n * v).set(DNNL_ARG_SRC, log_probs.data()).set(DNNL_ARG_DST, gz.data()).run();
    runtime::parallel_for(n, [&](std::int64_t i) {
        const float* q = targets.data() + i * v;
        float* g = gz.data() + i * v;
        if (weights.at(i) == 0.0f) {
            std::fill(g, g + v, 0.0f);
            return;
        }
        const float row_scale = scale * weights.at(i);
        float mass = 0.0f;
        for (std::int64_t j = 0; j < v; ++j) mass += q[j];
        for (std::int64_t j = 0; j < v; ++j) g[j] = row_scale * (mass * g[j] - q[j]);
    });
    accumulate_grad(*inputs[0], gz);
}

// Σ_i w_i, after checking every weight; a batch of padding alone is an Error.
double total_weight(std::span<const float> weights) {
    double total = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (!(weights[i] >= 0.0f) || !std::isfinite(weights[i]))
            fail("token_cross_entropy: weight {} of token {} must be finite and >= 0", weights[i], i);
        total += weights[i];
    }
    if (total == 0.0)
        fail("token_cross_entropy: every one of the {} token weights is 0 (padding alone)", weights.size());
    return total;
}

// Σ_i w_i·(−Σ_v q_iv·lp_iv) in double, over a fixed split of the rows whose partial sums are added in order, so
// that the result is the same bits at any thread count.
double weighted_sum(const Tensor& log_probs, const Tensor& targets, std::span<const float> weights) {
    constexpr std::int64_t kParts = 64;
    const std::int64_t n = log_probs.dim(0), v = log_probs.dim(1);
    const std::int64_t rows_per_part = (n + kParts - 1) / kParts;
    std::array<double, kParts> partial{};
    runtime::parallel_for(kParts, [&](std::int64_t part) {
        const std::int64_t end = std::min(n, (part + 1) * rows_per_part);
        for (std::int64_t i = part * rows_per_part; i < end; ++i) {
            const float w = weights[static_cast<std::size_t>(i)];
            if (w == 0.0f) continue;
            const float* lp = log_probs.data() + i * v;
            const float* q = targets.data() + i * v;
            double row = 0.0;
            for (std::int64_t j = 0; j < v; ++j)
                if (q[j] != 0.0f) row -= static_cast<double>(q[j]) * lp[j];
            partial[static_cast<std::size_t>(part)] += w * row;
        }
    });
    double sum = 0.0;
    for (const double p : partial) sum += p;
    return sum;
}

}  // namespace

Variable token_cross_entropy(const Variable& logits, const Tensor& target_probs, std::span<const float> weights,
                             float temperature) {
    check_input_type("token_cross_entropy", logits, false);
    if (logits.value().rank() != 2 || !(logits.shape() == target_probs.shape()))
        fail("token_cross_entropy: logits {} and targets {} must both be [N, V]", logits.shape().str(),
             target_probs.shape().str());
    const std::int64_t n = logits.dim(0), v = logits.dim(1);
    if (static_cast<std::int64_t>(weights.size()) != n)
        fail("token_cross_entropy: {} token weights for {} tokens", weights.size(), n);
    if (!(temperature > 0.0f)) fail("token_cross_entropy: temperature must be > 0, got {}", temperature);
    const double total = total_weight(weights);

    Tensor log_probs = Tensor::empty(logits.shape());
    const float inv_t = 1.0f / temperature;
    const float* z = logits.value().data();
    float* lp = log_probs.data();
    if (temperature != 1.0f)  // training's usual T = 1 reads the logits directly
        runtime::parallel_for_chunks(n * v, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i) lp[i] = z[i] * inv_t;
        });
    log_softmax_rows(temperature != 1.0f ? lp : z, lp, n, v);
    const double sum = weighted_sum(log_probs, target_probs, weights);
    Tensor loss = Tensor::full({1}, static_cast<float>(sum / total));
    return record<TokenCrossEntropyNode>(OpKind::token_cross_entropy, std::move(loss), needs_graph({&logits}),
                                         {&logits}, [&](TokenCrossEntropyNode& node) {
                                             node.log_probs = std::move(log_probs);
                                             node.weights = Tensor::from({n}, weights);
                                             node.temperature = temperature;
                                             node.total_weight = total;
                                             node.save(target_probs, "targets");
                                         });
}

}  // namespace lskd::ops
