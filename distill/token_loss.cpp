#include "distill/token_loss.hpp"

#include <algorithm>
#include <cmath>

#include "distill/targets.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::distill {
namespace {

void ensure(Tensor& t, const Shape& shape) {
    if (!t.defined() || !(t.shape() == shape)) t = Tensor::empty(shape);
}

std::int64_t correct_tokens(const Tensor& logits, std::span<const std::int32_t> targets) {
    const std::int64_t n = logits.dim(0), v = logits.dim(1);
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int32_t t = targets[static_cast<std::size_t>(i)];
        const float* z = logits.data() + i * v;
        if (t != 0 && std::max_element(z, z + v) - z == t) ++correct;
    }
    return correct;
}

// Σ_i w_i·Σ_v q_iv log q_iv / Σ_i w_i: minus the mean entropy of the (weighted) teacher rows, which the KL form adds to
// the cross-entropy that is differentiated.
double mean_neg_entropy(const Tensor& q, std::span<const float> weights, double scale) {
    const std::int64_t n = q.dim(0), v = q.dim(1);
    double total = 0, count = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const float w = weights[static_cast<std::size_t>(i)];
        if (w == 0.0f) continue;
        count += w;
        for (std::int64_t j = 0; j < v; ++j) {
            const double p = q.at(i * v + j) / scale;
            if (p > 0) total += w * p * std::log(p);
        }
    }
    return total / count;
}

}  // namespace

TokenLoss token_loss(const Variable& logits, std::span<const std::int32_t> targets, double alpha,
                     const Tensor* teacher_logits, const DistillSettings& settings, TokenLossWorkspace& w) {
    const Shape shape = logits.shape();
    ensure(w.hard, shape);
    w.weights.resize(targets.size());
    smoothed_token_targets(targets, alpha, w.hard, w.weights);
    TokenLoss out;
    for (float x : w.weights) out.tokens += x != 0.0f ? 1 : 0;
    out.correct = correct_tokens(logits.value(), targets);
    if (teacher_logits == nullptr) {
        out.objective = ops::token_cross_entropy(logits, w.hard, w.weights);
        out.reported = out.objective.value().at(0);
        return out;
    }
    const double beta = settings.beta, t = settings.temperature;
    ensure(w.teacher, shape);
    softened_targets(*teacher_logits, t, w.teacher);
    const std::int64_t cells = shape.numel();
    if (settings.form == LossForm::muller) {
        for (std::int64_t i = 0; i < cells; ++i)
            w.hard.at(i) = static_cast<float>((1 - beta) * w.hard.at(i) + beta * w.teacher.at(i));
        out.objective = ops::token_cross_entropy(logits, w.hard, w.weights);
        out.reported = out.objective.value().at(0);
        return out;
    }
    LSKD_CHECK(settings.form == LossForm::hinton, "the loss form {} has no token form", loss_form_name(settings.form));
    const double soft_scale = beta * t * t;
    for (std::int64_t i = 0; i < cells; ++i) {
        w.hard.at(i) = static_cast<float>((1 - beta) * w.hard.at(i));
        w.teacher.at(i) = static_cast<float>(soft_scale * w.teacher.at(i));
    }
    const Variable hard = ops::token_cross_entropy(logits, w.hard, w.weights);
    const Variable soft = ops::token_cross_entropy(logits, w.teacher, w.weights, static_cast<float>(t));
    out.objective = ops::add(hard, soft);
    out.reported = out.objective.value().at(0);
    if (soft_scale > 0) out.reported += soft_scale * mean_neg_entropy(w.teacher, w.weights, soft_scale);
    return out;
}

}  // namespace lskd::distill
