// The distillation objectives of docs/method.md §4, each built from the engine's soft-target cross-entropy
// (linear in its targets, so weights fold into the targets) or logit squared error:
//   muller:    (1−β)·H(y, p_s) + β·H(p_t(T), p_s)              student at T = 1, β = 1 by default
//   hinton:    (1−β)·H(y, p_s) + β·T²·KL(p_t(T) ‖ p_s(T))      β = 0.9 by default (hard term "lower weight")
//   logit-mse: (1−β)·H(y, p_s) + β·½‖z_s − z_t‖²               β = 0.6 by default (the paper's MNIST student)
// y is the (possibly label-smoothed) hard target. The reported value of `hinton` is the KL form; it differs
// from the cross-entropy that is differentiated by the teacher's entropy, a constant in z_s.
#pragma once
#include <string>

#include "framework/autograd/variable.hpp"

namespace lskd::distill {

enum class LossForm { muller, hinton, logit_mse };

LossForm parse_loss_form(const std::string& name);
const char* loss_form_name(LossForm form);
double default_beta(LossForm form);

struct DistillSettings {
    LossForm form = LossForm::muller;
    double beta = 1.0;
    double temperature = 1.0;
};

// Scratch tensors of a batch's shape, reused across steps.
struct LossWorkspace {
    Tensor hard;     // y
    Tensor teacher;  // weighted teacher targets
    Tensor mixed;    // combined targets of the muller form
};

struct LossValue {
    Variable objective;   // differentiate this
    double reported = 0;  // the form's value as defined above
};

// student_logits [N, K]; hard_targets [N, K] (already smoothed if wanted); teacher_logits [N, K].
LossValue distillation_loss(const Variable& student_logits, const Tensor& hard_targets, const Tensor& teacher_logits,
                            const DistillSettings& settings, LossWorkspace& workspace);

}  // namespace lskd::distill
