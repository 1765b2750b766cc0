// The loss of a sequence run's step (docs/method.md §15), on ops::token_cross_entropy with padding left out: the
// cross-entropy against label-smoothed token targets (distill/targets.hpp), and word-level distillation per token
// on gold prefixes (Kim & Rush 2016) in the forms of distill/loss_forms.hpp:
//   muller: (1−β)·H(y, p_s) + β·H(p_t(T), p_s)              one cross-entropy against the mixed targets
//   hinton: (1−β)·H(y, p_s) + β·T²·KL(p_t(T) ‖ p_s(T))      reported as the KL form, as for classifiers
// logit-mse matches classifiers' logits only and is refused for sequences by the run's checks.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "distill/loss_forms.hpp"
#include "framework/autograd/variable.hpp"

namespace lskd::distill {

// Scratch of a batch's shape, reused across steps.
struct TokenLossWorkspace {
    Tensor hard;     // y, smoothed
    Tensor teacher;  // p_t(T), weighted
    std::vector<float> weights;
};

struct TokenLoss {
    Variable objective;        // differentiate this
    double reported = 0;       // the form's value, a mean over the target tokens
    std::int64_t tokens = 0;   // target tokens (padding left out)
    std::int64_t correct = 0;  // of them, predicted by the argmax
};

// logits [N, V] of the N positions of a batch; targets: N ids, PAD where a row has ended; teacher_logits [N, V] or
// nullptr without a teacher (then `settings` is unused).
TokenLoss token_loss(const Variable& logits, std::span<const std::int32_t> targets, double alpha,
                     const Tensor* teacher_logits, const DistillSettings& settings, TokenLossWorkspace& workspace);

}  // namespace lskd::distill
