// M's erasure claims (§12.3, 5, 6): Î at the end of training and during it, Shen's 1 − S, cluster tightness. Each
// compares the α = 0 teacher with the most smoothed one of the grid, seed by seed.
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
    c.verdict = decide(h.evidence.interval, Prediction::greater, q.min_effect);
    c.numbers = fmt::format("{} at α = 0 − at α = {}: {}; α = 0: {}; α = {}: {}{}", q.name, h.alpha,
                            describe(h.evidence, q), describe_group(h.hard, q), h.alpha, describe_group(h.smoothed, q),
                            extra);
    c.runs = fmt::format("teachers α ∈ {{0, {}}}, {}", h.alpha, seeds_text(h.hard));
    return c;
}

}  // namespace

Claim claim_mi_lower(const StudyData& d) {
    Claim c = make_claim("M9", "M",
                         "Late in training, smoothed teachers have a lower Î, approaching log 2 ≈ 0.693 nats (§12.5).");
    if (!has_hard_and_smoothed(d)) return needs(std::move(c), kNeedsBoth);
    const HardVsSmoothed h = hard_vs_most_smoothed(d, &TeacherRow::mi);
    BySeed above;
    for (const auto& [seed, m] : h.smoothed) above[seed] = {m.value - std::log(2.0), std::nan("")};
    return hard_minus_smoothed_claim(std::move(c), d, &TeacherRow::mi, kMi,
                                     fmt::format("; Î − log 2 at α = {}: {}", h.alpha, describe_group(above, kMi)));
}

Claim claim_mi_trajectory(const StudyData& d) {
    Claim c = make_claim("M10", "M",
                         "During training Î rises from near 0, then declines (§12.6): per teacher, min(peak − first, "
                         "peak − last) > 0, the peak taken strictly between the first and last estimates.");
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
    c.verdict = decide(e.interval, Prediction::greater, kMi.min_effect);
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
    return hard_minus_smoothed_claim(make_claim("M11", "M, S", "1 − S (training split) falls with α (§12.5; S eq. 2)."),
                                     d, &TeacherRow::one_minus_s_train, kOneMinusS);
}

Claim claim_tighter_clusters(const StudyData& d) {
    return hard_minus_smoothed_claim(
        make_claim("M12", "M",
                   "Label smoothing packs each class into a tighter cluster in the template plane: the within/between "
                   "scatter ratio of the training records falls (§12.3)."),
        d, &TeacherRow::scatter_train, kScatter);
}

}  // namespace lskd::study
