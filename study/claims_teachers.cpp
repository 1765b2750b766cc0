// M's claims about the teachers themselves: accuracy, calibration, fitted temperature, logit gaps (§12.1, 2, 4).
#include <cmath>

#include <fmt/format.h>

#include "analysis/logit_gap.hpp"
#include "study/claims.hpp"
#include "study/claims_groups.hpp"

namespace lskd::study {

Claim claim_teacher_accuracy(const StudyData& d) {
    Claim c = make_claim("M1", "M", "Label smoothing improves the teacher's accuracy (§12.1).");
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const auto best = best_on_validation(smoothed_alphas(d), [&](double a) {
        const BySeed v = teacher_values(d, a, &TeacherRow::val_acc);
        double sum = 0;
        for (const auto& [seed, m] : v) sum += m.value;
        return sum / static_cast<double>(v.size());
    });
    if (!best) return needs(std::move(c), "needs a validation split (val-size > 0) to select the best α");
    const BySeed hard = teacher_values(d, 0, &TeacherRow::test_acc),
                 smooth = teacher_values(d, *best, &TeacherRow::test_acc);
    const Evidence e = compare(smooth, hard);
    c.verdict = decide(e, Prediction::greater, kAccuracy.min_effect);
    c.mde = mde_text(e, kAccuracy);
    c.numbers = fmt::format("test accuracy α = {} (best α > 0 on validation) − α = 0: {}; α = 0: {}; α = {}: {}", *best,
                            describe(e, kAccuracy), describe_group(hard, kAccuracy), *best,
                            describe_group(smooth, kAccuracy));
    c.runs = fmt::format("teachers α ∈ {}, {}", list_text(teacher_alphas(d)), seeds_text(hard));
    return c;
}

Claim claim_teacher_calibration(const StudyData& d) {
    Claim c = make_claim("M2", "M",
                         "At the smallest α of the grid, label smoothing lowers the teacher's test ECE by more than "
                         "0.01 (§12.4; the α = 0 teacher's ECE after temperature scaling is shown, not tested).");
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const double small = smoothed_alphas(d).front();
    const BySeed hard = teacher_values(d, 0, &TeacherRow::ece), smooth = teacher_values(d, small, &TeacherRow::ece);
    const Evidence e = compare(hard, smooth);
    c.verdict = decide(e, Prediction::greater, kEce.min_effect);
    c.mde = mde_text(e, kEce);
    c.numbers = fmt::format("ECE(α = 0) − ECE(α = {}): {}; ECE α = 0: {}, after temperature scaling: {}; α = {}: {}",
                            small, describe(e, kEce), describe_group(hard, kEce),
                            describe_group(teacher_values(d, 0, &TeacherRow::ece_scaled), kEce), small,
                            describe_group(smooth, kEce));
    c.runs = fmt::format("teachers α ∈ {{0, {}}}, {}", small, seeds_text(hard));
    return c;
}

Claim claim_fitted_temperature(const StudyData& d) {
    Claim c =
        make_claim("M3", "M", "The fitted temperature of smoothed teachers is near 1, and below 1 at large α (§12.4).");
    const auto alphas = smoothed_alphas(d);
    if (alphas.size() < 2) return needs(std::move(c), "needs teachers at two or more α > 0");
    const double small = alphas.front(), large = alphas.back();
    BySeed near, below;
    for (const auto& [seed, m] : teacher_values(d, small, &TeacherRow::temperature))
        near[seed] = {kNearOne - std::fabs(m.value - 1), std::nan("")};
    for (const auto& [seed, m] : teacher_values(d, large, &TeacherRow::temperature))
        below[seed] = {1 - m.value, std::nan("")};
    const Evidence e_near = one_sample(near), e_below = one_sample(below);
    c.verdict = all_of(
        {decide(e_near, Prediction::greater, 0.0), decide(e_below, Prediction::greater, kTemperature.min_effect)});
    c.numbers = fmt::format("{} − |T(α = {}) − 1|: {}; 1 − T(α = {}): {}; T at α = {}: {}, at α = {}: {}", kNearOne,
                            small, describe(e_near, kTemperature), large, describe(e_below, kTemperature), small,
                            describe_group(teacher_values(d, small, &TeacherRow::temperature), kTemperature), large,
                            describe_group(teacher_values(d, large, &TeacherRow::temperature), kTemperature));
    c.runs =
        fmt::format("teachers α ∈ {{{}, {}}}, temperature fitted on validation, {}", small, large, seeds_text(below));
    return c;
}

Claim claim_logit_gap(const StudyData& d) {
    Claim c = make_claim("M4", "M",
                         "On training data the logit gaps of smoothed teachers concentrate near Δ(α); at α = 0 they "
                         "are large and widely spread (§12.2).");
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const BySeed hard_std = teacher_values(d, 0, &TeacherRow::logit_gap_std);
    const BySeed wider =
        difference(hard_std, mean_over_smoothed(d, [](const TeacherRow& t) { return t.logit_gap_std; }));
    const BySeed near = mean_over_smoothed(d, [](const TeacherRow& t) {
        const double delta = analysis::optimal_logit_gap(t.alpha, static_cast<int>(t.num_classes));
        return kNearDelta - std::fabs(t.logit_gap_mean - delta) / delta;
    });
    const Evidence e_wide = one_sample(wider), e_near = one_sample(near);
    c.verdict = all_of({decide(e_wide, Prediction::greater, kGapSpread.min_effect),
                        decide(e_near, Prediction::greater, kGapDeviation.min_effect)});
    std::string deltas;
    for (double a : smoothed_alphas(d)) {
        const auto rows = teacher_values(d, a, &TeacherRow::num_classes);
        const int k = rows.empty() ? 0 : static_cast<int>(rows.begin()->second.value);
        deltas += fmt::format("; α = {}: gap {} vs Δ = {:.2f}", a,
                              describe_group(teacher_values(d, a, &TeacherRow::logit_gap_mean), kGapSpread),
                              k >= 2 ? analysis::optimal_logit_gap(a, k) : std::nan(""));
    }
    c.numbers =
        fmt::format("gap std at α = 0 − mean gap std at α > 0: {}; {} − mean |gap − Δ(α)|/Δ(α): {}; α = 0: gap {}, "
                    "std {}{}",
                    describe(e_wide, kGapSpread), kNearDelta, describe(e_near, kGapDeviation),
                    describe_group(teacher_values(d, 0, &TeacherRow::logit_gap_mean), kGapSpread),
                    describe_group(hard_std, kGapSpread), deltas);
    c.runs = fmt::format("teachers α ∈ {}, train records, {}", list_text(teacher_alphas(d)), seeds_text(hard_std));
    return c;
}

}  // namespace lskd::study
