#include "distill/loss_forms.hpp"

#include <cmath>

#include "distill/targets.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::distill {
namespace {

void ensure_shape(Tensor& t, const Shape& shape) {
    if (!t.defined() || !(t.shape() == shape) || !t.unique()) t = Tensor::empty(shape);
}

// Σ_i Σ_k q_ik log q_ik / N: minus the mean entropy of the weighted teacher targets.
double mean_negative_entropy(const Tensor& q, double weight) {
    double total = 0.0;
    for (std::int64_t i = 0; i < q.numel(); ++i) {
        const double p = q.at(i) / weight;
        if (p > 0.0) total += p * std::log(p);
    }
    return weight * total / static_cast<double>(q.dim(0));
}

}  // namespace

LossForm parse_loss_form(const std::string& name) {
    if (name == "muller") return LossForm::muller;
    if (name == "hinton") return LossForm::hinton;
    if (name == "logit-mse") return LossForm::logit_mse;
    fail("unknown loss form '{}' (expected muller, hinton or logit-mse)", name);
}

const char* loss_form_name(LossForm form) {
    switch (form) {
        case LossForm::muller: return "muller";
        case LossForm::hinton: return "hinton";
        case LossForm::logit_mse: return "logit-mse";
    }
    return "?";
}

double default_beta(LossForm form) {
    switch (form) {
        case LossForm::muller: return 1.0;
        case LossForm::hinton: return 0.9;
        case LossForm::logit_mse: return 0.6;
    }
    return 1.0;
}

LossValue distillation_loss(const Variable& student_logits, const Tensor& hard_targets, const Tensor& teacher_logits,
                            const DistillSettings& s, LossWorkspace& ws) {
    const Shape& shape = student_logits.shape();
    if (!(hard_targets.shape() == shape) || !(teacher_logits.shape() == shape))
        fail("distillation loss: student logits {}, targets {} and teacher logits {} must match", shape.str(),
             hard_targets.shape().str(), teacher_logits.shape().str());
    const float beta = static_cast<float>(s.beta);
    const float T = static_cast<float>(s.temperature);
    LossValue out;
    switch (s.form) {
        case LossForm::muller: {
            ensure_shape(ws.mixed, shape);
            softened_targets(teacher_logits, s.temperature, ws.mixed);
            for (std::int64_t i = 0; i < ws.mixed.numel(); ++i)
                ws.mixed.at(i) = (1.0f - beta) * hard_targets.at(i) + beta * ws.mixed.at(i);
            out.objective = ops::soft_target_cross_entropy(student_logits, ws.mixed, 1.0f);
            out.reported = out.objective.value().at(0);
            return out;
        }
        case LossForm::hinton: {
            ensure_shape(ws.hard, shape);
            ensure_shape(ws.teacher, shape);
            softened_targets(teacher_logits, s.temperature, ws.teacher);
            const float soft_weight = beta * T * T;
            for (std::int64_t i = 0; i < ws.teacher.numel(); ++i) {
                ws.teacher.at(i) *= soft_weight;
                ws.hard.at(i) = (1.0f - beta) * hard_targets.at(i);
            }
            Variable soft = ops::soft_target_cross_entropy(student_logits, ws.teacher, T);
            Variable hard = ops::soft_target_cross_entropy(student_logits, ws.hard, 1.0f);
            out.objective = ops::add(hard, soft);
            const double entropy_term = soft_weight > 0.0f ? mean_negative_entropy(ws.teacher, soft_weight) : 0.0;
            out.reported = out.objective.value().at(0) + entropy_term;
            return out;
        }
        case LossForm::logit_mse: {
            ensure_shape(ws.hard, shape);
            for (std::int64_t i = 0; i < ws.hard.numel(); ++i) ws.hard.at(i) = (1.0f - beta) * hard_targets.at(i);
            Variable hard = ops::soft_target_cross_entropy(student_logits, ws.hard, 1.0f);
            Variable match = ops::squared_error(student_logits, teacher_logits, beta);
            out.objective = ops::add(hard, match);
            out.reported = out.objective.value().at(0);
            return out;
        }
    }
    fail("unhandled loss form");
}

}  // namespace lskd::distill
