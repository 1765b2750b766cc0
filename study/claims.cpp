#include "study/claims.hpp"

#include <fmt/format.h>

#include "study/claims_verdict.hpp"

namespace lskd::study {

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::supported: return "supported";
        case Verdict::not_supported: return "not supported";
        case Verdict::undecided: return "undecided";
    }
    return "?";
}

std::vector<Claim> evaluate_claims(const std::vector<TeacherRow>& teachers, const std::vector<SummaryRow>& runs) {
    const StudyData d{teachers, runs};
    std::vector<Claim> claims;
    for (const auto rule :
         {claim_teacher_accuracy, claim_teacher_calibration, claim_fitted_temperature, claim_logit_gap,
          claim_hard_students_beat_baselines, claim_ls_students_no_better, claim_teacher_accuracy_not_predictive,
          claim_mnist_logit_matching, claim_mi_lower, claim_mi_trajectory, claim_one_minus_s, claim_tighter_clusters,
          claim_shen_same_temperature, claim_temperature_interaction, claim_best_student_ls_t1, claim_mi_ranks_students,
          claim_erasure_ranks_students})
        claims.push_back(rule(d));
    claims.push_back(closing_verdict(claims));
    return claims;
}

std::string claims_rule_text() {
    return fmt::format(
        "Each claim is decided by the rule of docs/method.md §13 on the difference d it predicts the sign of, with "
        "seeds as replicates: for two or more shared seeds the paired t interval d̄ ± t_{{0.975, n−1}}·s_d/√n; for "
        "groups of two or more seeds that share fewer than two, Welch's interval; for one seed the binomial interval "
        "of two test accuracies (z·√(p_a(1−p_a)/n_a + p_b(1−p_b)/n_b)), and no interval "
        "(undecided) for other quantities; for rank correlations a percentile bootstrap over teacher runs (2000 "
        "resamples, seed {}). A claim that d > 0 is *supported* when the interval lies above 0 and d̄ exceeds the "
        "minimum effect, *not supported* when it lies below 0; a claim that d is no better (d ≤ 0) is supported when "
        "the interval's upper end is below the minimum effect and not supported when the interval lies above 0 with d̄ "
        "above the minimum effect; a claim of equal or better (d ≥ 0) is supported when the interval's lower end is "
        "above minus the minimum effect and not supported when the interval lies below 0 with d̄ below minus the "
        "minimum effect; any other case is *undecided*. Parts of a claim must all be supported; one part not "
        "supported makes the claim not supported. Minimum effects: accuracy {} points, ECE {}, fitted T {}, logit-gap "
        "std {}, Î {} nats, 1 − S {}, scatter ratio {}, Spearman ρ {}; \"near 1\" for T means within {}, \"near "
        "Δ(α)\" a relative distance below {}. Best α, T or student are selected on the validation split and their "
        "test numbers reported. The baselines' accuracy at a student's γ is interpolated linearly between baseline α "
        "values (undecided outside their range). Intervals are per claim, with no multiplicity correction.",
        kBootstrapSeed, kAccuracy.min_effect * 100, kEce.min_effect, kTemperature.min_effect, kGapSpread.min_effect,
        kMi.min_effect, kOneMinusS.min_effect, kScatter.min_effect, kRank.min_effect, kNearOne, kNearDelta);
}

}  // namespace lskd::study
