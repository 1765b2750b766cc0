// token_cross_entropy: the sequence loss, the token-weighted mean of −Σ_v q_v log softmax(z/T)_v. Its gradient
// w_i·((Σ_v q_iv)·softmax(z_i/T) − q_i) / (T·Σ_j w_j) is written directly, with the log-softmax on oneDNN, run in
// place on the scaled logits so that the one buffer the node keeps is the only one the op makes.
#include <algorithm>
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/ops/log_softmax_primitive.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/record.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/runtime/parallel_for.hpp"

namespace lskd::ops {
namespace {

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
    runtime::parallel_for(n, [&](std::int64_t i) {
        const float* lp = log_probs.data() + i * v;
        const float* q = targets.data() + i * v;
        float* g = gz.data() + i * v;
        if (weights.at(i) == 0.0f) {
            std::fill(g, g + v, 0.0f);
            return;
        }
        const float row_scale = scale * weights.at(i);
        float mass = 0.0f;
        for (std::int64_t j = 0; j < v; ++j) mass += q[j];
        for (std::int64_t j = 0; j < v; ++j) g[j] = row_scale * (mass * std::exp(lp[j]) - q[j]);
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

}  // namespace

Variable token_cross_entropy(const Variable& logits, const Tensor& target_probs, std::span<const float> weights,
                             float temperature) {
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
    runtime::parallel_for_chunks(n * v, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) lp[i] = z[i] * inv_t;
    });
    log_softmax_rows(lp, lp, n, v);
    double sum = 0.0;
    const float* q = target_probs.data();
    for (std::int64_t i = 0; i < n; ++i) {
        const float w = weights[static_cast<std::size_t>(i)];
        if (w == 0.0f) continue;
        double row = 0.0;
        for (std::int64_t j = i * v; j < (i + 1) * v; ++j)
            if (q[j] != 0.0f) row -= static_cast<double>(q[j]) * lp[j];
        sum += w * row;
    }
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
