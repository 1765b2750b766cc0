#include "framework/optim/lr_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "framework/core/error.hpp"

namespace lskd::optim {
namespace {

void check_base(double base_lr) {
    if (!(base_lr > 0.0)) fail("learning-rate schedule: base lr must be > 0, got {}", base_lr);
}

void check_total(std::int64_t total_steps) {
    if (total_steps <= 0) fail("learning-rate schedule: total steps must be > 0, got {}", total_steps);
}

}  // namespace

Schedule Schedule::constant(double base_lr) {
    check_base(base_lr);
    return {ScheduleKind::constant, base_lr};
}

Schedule Schedule::multi_step(double base_lr, std::vector<std::int64_t> milestones, double gamma) {
    check_base(base_lr);
    if (!(gamma > 0.0)) fail("multi_step schedule: gamma must be > 0, got {}", gamma);
    for (std::int64_t m : milestones)
        if (m < 0) fail("multi_step schedule: milestone {} is negative", m);
    std::sort(milestones.begin(), milestones.end());
    Schedule s(ScheduleKind::multi_step, base_lr);
    s.milestones_ = std::move(milestones);
    s.gamma_ = gamma;
    return s;
}

Schedule Schedule::cosine(double base_lr, std::int64_t total_steps) {
    check_base(base_lr);
    check_total(total_steps);
    Schedule s(ScheduleKind::cosine, base_lr);
    s.total_steps_ = total_steps;
    return s;
}

Schedule Schedule::linear(double base_lr, std::int64_t total_steps) {
    check_base(base_lr);
    check_total(total_steps);
    Schedule s(ScheduleKind::linear, base_lr);
    s.total_steps_ = total_steps;
    return s;
}

Schedule Schedule::inverse_sqrt(double base_lr, std::int64_t warmup, double warmup_init_lr) {
    check_base(base_lr);
    // fairseq divides by the warmup, so it has at least one step.
    if (warmup <= 0) fail("inverse-sqrt schedule: warmup must be > 0 steps, got {}", warmup);
    if (!(warmup_init_lr >= 0.0 && warmup_init_lr <= base_lr))
        fail("inverse-sqrt schedule: warmup-init-lr must be in [0, {}], got {}", base_lr, warmup_init_lr);
    Schedule s(ScheduleKind::inverse_sqrt, base_lr);
    s.warmup_ = warmup;
    s.warmup_init_lr_ = warmup_init_lr;
    return s;
}

double Schedule::lr(std::int64_t step) const {
    if (step < 0) fail("learning-rate schedule: step {} is negative", step);
    const double t = static_cast<double>(std::min(step, total_steps_));
    const double total = static_cast<double>(total_steps_);
    switch (kind_) {
        case ScheduleKind::constant: return base_lr_;
        case ScheduleKind::multi_step: {
            // Multiplied once per milestone passed, as MultiStepLR's chained updates do.
            double lr = base_lr_;
            for (std::int64_t m : milestones_) {
                if (m > step) break;
                lr *= gamma_;
            }
            return lr;
        }
        case ScheduleKind::cosine: return base_lr_ * (1.0 + std::cos(std::numbers::pi * t / total)) / 2.0;
        case ScheduleKind::linear: return base_lr_ * (1.0 - t / total);
        case ScheduleKind::inverse_sqrt: {
            // fairseq's arithmetic, operation for operation: an increment per step, then base·warmup^0.5·t^−0.5.
            const double warmup = static_cast<double>(warmup_), at = static_cast<double>(step);
            if (step < warmup_) return warmup_init_lr_ + at * ((base_lr_ - warmup_init_lr_) / warmup);
            return base_lr_ * std::pow(warmup, 0.5) * std::pow(at, -0.5);
        }
    }
    fail("learning-rate schedule: unknown kind {}", static_cast<int>(kind_));
}

Schedule make_schedule(std::string_view name, double base_lr, std::int64_t total_steps,
                       std::span<const std::int64_t> milestones, double gamma, std::int64_t warmup) {
    check_total(total_steps);
    if (name == "inverse-sqrt") return Schedule::inverse_sqrt(base_lr, warmup);
    if (name == "constant") return Schedule::constant(base_lr);
    if (name == "cosine") return Schedule::cosine(base_lr, total_steps);
    if (name == "linear") return Schedule::linear(base_lr, total_steps);
    if (name == "multi_step") {
        for (std::int64_t m : milestones)
            if (m > total_steps)
                fail("multi_step schedule: milestone {} lies beyond the run of {} steps; milestones "
                     "are in steps, see epoch_milestones_to_steps",
                     m, total_steps);
        return Schedule::multi_step(base_lr, {milestones.begin(), milestones.end()}, gamma);
    }
    fail("unknown learning-rate schedule '{}' (expected constant, multi_step, cosine, linear or inverse-sqrt)", name);
}

std::vector<std::int64_t> epoch_milestones_to_steps(std::span<const std::int64_t> epochs,
                                                    std::int64_t steps_per_epoch) {
    if (steps_per_epoch <= 0) fail("epoch_milestones_to_steps: steps per epoch must be > 0, got {}", steps_per_epoch);
    std::vector<std::int64_t> steps;
    steps.reserve(epochs.size());
    for (std::int64_t e : epochs) {
        if (e < 0) fail("epoch_milestones_to_steps: milestone epoch {} is negative", e);
        steps.push_back(e * steps_per_epoch);
    }
    return steps;
}

}  // namespace lskd::optim
