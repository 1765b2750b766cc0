// M's erasure claims (§12.3, 5, 6): Î at the end of training and during it, Shen's 1 − S beyond the compression
// smoothing alone causes, cluster tightness. Each compares the α = 0 teacher with the most smoothed one of the grid,
// seed by seed; the scale-free ones as log ratios (docs/method.md §13).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "study/claims.hpp"
#include "study/claims_groups.hpp"

namespace lskd::study {
namespace {

// member(α = 0) − member(largest α), by seed, with the two groups for the numbers column.
struct HardVsSmoothed {
    double alpha = 0;
    BySeed hard, smoothed;
    Evidence evidence;
};

HardVsSmoothed hard_vs_most_smoothed(const StudyData& d, double TeacherRow::*member) {
    HardVsSmoothed h;
    h.alpha = teacher_alphas(d).back();
    h.hard = teacher_values(d, 0, member);
    h.smoothed = teacher_values(d, h.alpha, member);
    h.evidence = compare(h.hard, h.smoothed);
    return h;
}

Claim hard_minus_smoothed_claim(Claim c, const StudyData& d, double TeacherRow::*member, const Quantity& q,
                                const std::string& extra = "") {
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const HardVsSmoothed h = hard_vs_most_smoothed(d, member);
    c.verdict = decide(h.evidence, Prediction::greater, q.min_effect);
    c.mde = mde_text(h.evidence, q);
    c.numbers = fmt::format("{} at α = 0 − at α = {}: {}; α = 0: {}; α = {}: {}{}", q.name, h.alpha,
                            describe(h.evidence, q), describe_group(h.hard, q), h.alpha, describe_group(h.smoothed, q),
                            extra);
    c.runs = fmt::format("teachers α ∈ {{0, {}}}, {}", h.alpha, seeds_text(h.hard));
    return c;
}

// log(scale·value(α = 0) / value(largest α)) by seed: a fall of the member by more than `scale` predicts d > 0.
Claim log_ratio_claim(Claim c, const StudyData& d, double TeacherRow::*member, const char* name, double scale,
                      const std::string& formula) {
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const HardVsSmoothed h = hard_vs_most_smoothed(d, member);
    BySeed ratio;
    for (const auto& [seed, hard] : h.hard)
        if (const auto it = h.smoothed.find(seed); it != h.smoothed.end())
            ratio[seed] = {std::log(scale * hard.value / it->second.value), std::nan("")};
    const Evidence e = one_sample(ratio);
    c.verdict = decide(e, Prediction::greater, kLogRatio.min_effect);
    c.mde = mde_text(e, kLogRatio);
    const Quantity plain{name, 0};
    c.numbers = fmt::format("{}: {} (minimum effect log 1.1 = {:.3f}); {} at α = 0: {}; at α = {}: {}", formula,
                            describe(e, kLogRatio), kLogRatio.min_effect, name, describe_group(h.hard, plain), h.alpha,
                            describe_group(h.smoothed, plain));
    c.runs = fmt::format("teachers α ∈ {{0, {}}}, {}", h.alpha, seeds_text(ratio));
    return c;
}

}  // namespace

Claim claim_mi_lower(const StudyData& d) {
    Claim c = make_claim("M9", "M",
                         "At the end of training, the most smoothed teacher has a lower Î than the α = 0 teacher, by "
                         "more than 0.05 nats (§12.5).");
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const HardVsSmoothed h = hard_vs_most_smoothed(d, &TeacherRow::mi);
    BySeed above;
    for (const auto& [seed, m] : h.smoothed) above[seed] = {m.value - std::log(2.0), std::nan("")};
    return hard_minus_smoothed_claim(std::move(c), d, &TeacherRow::mi, kMi,
                                     fmt::format("; Î − log 2 at α = {}: {}", h.alpha, describe_group(above, kMi)));
}

Claim claim_mi_trajectory(const StudyData& d) {
    Claim c =
        make_claim("M10", "M",
                   "During training Î rises, then declines (§12.6): min(peak − first, peak − last), averaged over "
                   "a seed's teachers, exceeds 0.05 nats, the peak taken strictly between the first and last "
                   "estimates.");
    BySeed rise_fall;
    std::map<std::uint64_t, int> counts;
    bool complete = !d.teachers.empty();
    for (const auto& t : d.teachers) {
        complete = complete && !std::isnan(t.mi_peak);
        rise_fall[t.seed].value += std::min(t.mi_peak - t.mi_first, t.mi_peak - t.mi_last);
        rise_fall[t.seed].examples = std::nan("");
        counts[t.seed] += 1;
    }
    if (!complete)
        return needs(std::move(c), "needs teachers with three or more Î estimates during training (mi-every)");
    for (auto& [seed, m] : rise_fall) m.value /= counts[seed];
    const Evidence e = one_sample(rise_fall);
    c.verdict = decide(e, Prediction::greater, kMi.min_effect);
    c.mde = mde_text(e, kMi);
    std::string per_alpha;
    for (double a : teacher_alphas(d))
        per_alpha += fmt::format("; α = {}: first {}, peak {}, last {}", a,
                                 describe_group(teacher_values(d, a, &TeacherRow::mi_first), kMi),
                                 describe_group(teacher_values(d, a, &TeacherRow::mi_peak), kMi),
                                 describe_group(teacher_values(d, a, &TeacherRow::mi_last), kMi));
    c.numbers = fmt::format("mean over teachers of min(rise, decline): {}{}", describe(e, kMi), per_alpha);
    c.runs = fmt::format("Î before training, within the first epoch (mi-early) and per epoch, of teachers α ∈ {}, {}",
                         list_text(teacher_alphas(d)), seeds_text(rise_fall));
    return c;
}

Claim claim_one_minus_s(const StudyData& d) {
    Claim c = make_claim("M11", "M, S",
                         "The most smoothed teacher's 1 − S (training split) is lower than (1 − α)² times the α = 0 "
                         "teacher's, by more than 10 %: erasure beyond the compression smoothing alone causes "
                         "(§12.5; S eq. 2).");
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const double alpha = teacher_alphas(d).back();
    return log_ratio_claim(std::move(c), d, &TeacherRow::one_minus_s_train, "1 − S", (1 - alpha) * (1 - alpha),
                           fmt::format("log((1 − {})²·(1 − S)₀ / (1 − S)_{})", alpha, alpha));
}

Claim claim_tighter_clusters(const StudyData& d) {
    Claim c = make_claim("M12", "M",
                         "The within/between scatter ratio of the template-plane projection of the training records "
                         "is lower for the most smoothed teacher than for the α = 0 teacher, by more than 10 % "
                         "(§12.3).");
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    return log_ratio_claim(std::move(c), d, &TeacherRow::scatter_train, "scatter ratio", 1,
                           fmt::format("log(ratio₀ / ratio_{})", teacher_alphas(d).back()));
}

}  // namespace lskd::study
