// The one training loss: mean over the batch of −Σ_k q_k log softmax(z/T)_k. Its gradient
// ((Σ_j q_j)·softmax(z/T) − q) / (N·T) is written directly, with the log-softmax on oneDNN.
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/ops/log_softmax_primitive.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

struct SoftTargetNode : Node {
    Tensor log_probs;  // log softmax(z/T), the op's own
    float temperature = 1.0f;
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable soft_target_cross_entropy(const Variable& logits, const Tensor& target_probs, float temperature) {
    check_input_type("soft_target_cross_entropy", logits, false);
    if (logits.value().rank() != 2 || !(logits.shape() == target_probs.shape()))
        fail("soft_target_cross_entropy: logits {} and targets {} must both be [N, K]", logits.shape().str(),
             target_probs.shape().str());
    if (!(temperature > 0.0f)) fail("soft_target_cross_entropy: temperature must be > 0, got {}", temperature);
    const std::int64_t n = logits.dim(0), k = logits.dim(1);
    Tensor scaled = Tensor::empty(logits.shape());
    const float inv_t = 1.0f / temperature;
    const float* z = logits.value().data();
    for (std::int64_t i = 0; i < n * k; ++i) scaled.at(i) = z[i] * inv_t;
    Tensor log_probs = Tensor::empty(logits.shape());
    log_softmax_rows(scaled.data(), log_probs.data(), n, k);
    double total = 0.0;
    const float* q = target_probs.data();
    for (std::int64_t i = 0; i < n * k; ++i)
        if (q[i] != 0.0f) total -= static_cast<double>(q[i]) * log_probs.at(i);
    Tensor loss = Tensor::full({1}, static_cast<float>(total / static_cast<double>(n)));
    return record<SoftTargetNode>(OpKind::soft_target_cross_entropy, std::move(loss), needs_graph({&logits}), {&logits},
                                  [&](SoftTargetNode& node) {
                                      node.log_probs = std::move(log_probs);
                                      node.temperature = temperature;
                                      node.save(target_probs, "targets");
                                  });
}

void SoftTargetNode::backward(const Tensor& gout) {
    const Tensor& targets = saved(0);
    const std::int64_t n = log_probs.dim(0), k = log_probs.dim(1);
    const float scale = gout.at(0) / (static_cast<float>(n) * temperature);
    Tensor gz = Tensor::empty(log_probs.shape());
    for (std::int64_t i = 0; i < n; ++i) {
        const float* lp = log_probs.data() + i * k;
        const float* q = targets.data() + i * k;
        float* g = gz.data() + i * k;
        float mass = 0.0f;
        for (std::int64_t j = 0; j < k; ++j) mass += q[j];
        for (std::int64_t j = 0; j < k; ++j) g[j] = scale * (mass * std::exp(lp[j]) - q[j]);
    }
    accumulate_grad(*inputs[0], gz);
}

}  // namespace lskd::ops
