#include "study/claims.hpp"

#include <fmt/format.h>

#include "study/claims_verdict.hpp"

namespace lskd::study {

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::supported: return "supported";
        case Verdict::not_supported: return "not supported";
        case Verdict::negligible: return "negligible";
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
        "seeds as replicates (each seed also draws its data subset unless the setup says otherwise): for two or "
        "more shared seeds the paired t interval d̄ ± t_{{0.975, n−1}}·s_d/√n; for groups of two or more seeds that "
        "share fewer than two, Welch's interval; for one seed the binomial interval of two test accuracies, and no "
        "interval (undecided) for other quantities; for rank correlations a percentile bootstrap over teacher runs "
        "(2000 resamples, seed {}). A claim that d > 0 is *supported* when the 95 % interval lies above 0 and d̄ "
        "exceeds the minimum effect δ, *not supported* when it lies below 0, and *negligible* otherwise when the 90 % "
        "interval lies inside ±δ (the two one-sided tests of equivalence at 0.05); a claim that d is no better "
        "(d ≤ 0) is supported when the 95 % upper end is below δ and not supported when the interval lies above 0 "
        "with d̄ above δ; a claim of equal or better (d ≥ 0, non-inferiority) is supported when the lower end is "
        "above −δ and not supported when the interval lies below 0 with d̄ below −δ; any other case is *undecided*. "
        "Parts of a claim must all be supported; one part not supported makes the claim not supported; parts all "
        "supported or negligible make it negligible. Minimum effects: accuracy {} points, ECE {}, fitted T {}, "
        "logit-gap std {}, Î {} nats, Spearman ρ {}; 1 − S (beyond the (1 − α)² compression), the scatter ratio and "
        "the MNIST students' error are compared as log ratios with δ = log 1.1; \"near 1\" for T means within {}, "
        "\"near Δ(α)\" a relative distance below {}. H1/H2 need teachers at {} or more α. Best α, T or student are "
        "selected on the validation split and their test numbers reported. M5's baselines are interpolated at the "
        "student's γ, M6's at the teacher's α (undecided outside their range). The closing verdict names a side only "
        "when M5, M6 and S1 are all decided.",
        kBootstrapSeed, kAccuracy.min_effect * 100, kEce.min_effect, kTemperature.min_effect, kGapSpread.min_effect,
        kMi.min_effect, kRank.min_effect, kNearOne, kNearDelta, kRankAlphaLevels);
}

}  // namespace lskd::study
