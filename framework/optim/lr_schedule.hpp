// Learning-rate schedules at step granularity: lr(t) for the t-th optimizer update (0-based) of a run of
// total_steps updates. Milestones are in steps; epoch_milestones_to_steps converts epoch milestones.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace lskd::optim {

enum class ScheduleKind { constant, multi_step, cosine, linear, inverse_sqrt };

class Schedule {
public:
    // lr(t) = base.
    static Schedule constant(double base_lr);
    // lr(t) = base·γ^k, k = number of milestones ≤ t (PyTorch MultiStepLR; a repeated milestone counts twice).
    static Schedule multi_step(double base_lr, std::vector<std::int64_t> milestones, double gamma);
    // lr(t) = base·(1 + cos(π·t/T))/2 with T = total_steps (CosineAnnealingLR, eta_min = 0).
    static Schedule cosine(double base_lr, std::int64_t total_steps);
    // lr(t) = base·(1 − t/T), reaching 0 at t = T.
    static Schedule linear(double base_lr, std::int64_t total_steps);
    // fairseq's inverse_sqrt: lr(t) = init + t·(base − init)/warmup for t < warmup, then base·√(warmup/t), which
    // meets base at t = warmup. The first update (t = 0) takes init, 0 by default, as fairseq's does.
    static Schedule inverse_sqrt(double base_lr, std::int64_t warmup, double warmup_init_lr = 0.0);

    // Past total_steps, cosine and linear stay at 0 (they do not restart).
    double lr(std::int64_t step) const;
    ScheduleKind kind() const { return kind_; }
    double base_lr() const { return base_lr_; }

private:
    Schedule(ScheduleKind kind, double base_lr) : kind_(kind), base_lr_(base_lr) {}

    ScheduleKind kind_;
    double base_lr_;
    std::int64_t total_steps_ = 0;
    std::vector<std::int64_t> milestones_;  // sorted
    double gamma_ = 1.0;
    std::int64_t warmup_ = 0;
    double warmup_init_lr_ = 0.0;
};

// By name: "constant", "multi_step", "cosine", "linear" or "inverse-sqrt". Milestones (in steps) and gamma are
// used by multi_step only; a milestone beyond total_steps is an Error, as it would never apply. warmup (in steps)
// is used by inverse-sqrt only, which warms up from 0.
Schedule make_schedule(std::string_view name, double base_lr, std::int64_t total_steps,
                       std::span<const std::int64_t> milestones = {}, double gamma = 0.1, std::int64_t warmup = 0);

// Epoch e starts at step e·steps_per_epoch, so a decay "at epoch e" (PyTorch stepping the scheduler once per
// epoch) is the step milestone e·steps_per_epoch.
std::vector<std::int64_t> epoch_milestones_to_steps(std::span<const std::int64_t> epochs, std::int64_t steps_per_epoch);

}  // namespace lskd::optim
