// The follow-ups' claims: Shen's same-temperature comparison (§12.12), Chandrasegaran's temperature interaction
// (§12.10), the hypothesis that erasure ranks students better than teacher accuracy (§12.11, a paired bootstrap
// across α levels with a partial correlation on α), and the closing verdict between M and S.
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis/bootstrap.hpp"
#include "analysis/rank_correlation.hpp"

#include "study/claims.hpp"
#include "study/claims_groups.hpp"

namespace lskd::study {
namespace {

std::vector<const SummaryRow*> without_hard_labels(std::vector<const SummaryRow*> rows) {
    std::erase_if(rows, [](const SummaryRow* r) { return r->beta != 1.0; });
    return rows;
}

// Every (teacher α, T) of the students, and the val-best of those that `keep`.
std::optional<std::pair<double, double>> best_student_config(const StudyData& d,
                                                             const std::function<bool(double, double)>& keep) {
    std::optional<std::pair<double, double>> best;
    double best_val = 0;
    for (double a : teacher_alphas(d))
        for (double t : student_temperatures(d, a)) {
            if (!keep(a, t)) continue;
            const double v = mean_val_acc(students(d, a, t));
            if (std::isnan(v)) return std::nullopt;
            if (!best || v > best_val) best = std::pair{a, t}, best_val = v;
        }
    return best;
}

// The rank statistics of H1/H2 on one resample of teacher runs: ρ(statistic, student) − ρ(accuracy, student),
// and the partial ρ(statistic, student | α).
double rank_advantage(const RankUnits& u, const std::vector<std::size_t>& units) {
    std::vector<double> x, a, y;
    for (std::size_t i : units)
        x.push_back(u.statistic[i]), a.push_back(u.teacher_accuracy[i]), y.push_back(u.student[i]);
    return analysis::spearman(x, y) - analysis::spearman(a, y);
}

double partial_rank(const RankUnits& u, const std::vector<std::size_t>& units) {
    std::vector<double> x, z, y;
    for (std::size_t i : units) x.push_back(u.statistic[i]), z.push_back(u.alpha[i]), y.push_back(u.student[i]);
    const double xy = analysis::spearman(x, y), xz = analysis::spearman(x, z), yz = analysis::spearman(y, z);
    return (xy - xz * yz) / std::sqrt((1 - xz * xz) * (1 - yz * yz));
}

Evidence rank_evidence(const RankUnits& u, double (*statistic)(const RankUnits&, const std::vector<std::size_t>&)) {
    const auto f = [&](const std::vector<std::size_t>& units) { return statistic(u, units); };
    const std::size_t n = u.student.size();
    return bootstrap_evidence(analysis::bootstrap_interval(n, f, kBootstrapSeed),
                              analysis::bootstrap_interval(n, f, kBootstrapSeed, 2000, 0.90), n);
}

Claim ranks_students_claim(Claim c, const StudyData& d, double TeacherRow::*member, const char* name) {
    if (teacher_alphas(d).size() < kRankAlphaLevels)
        return needs(std::move(c), fmt::format("needs T = 1 students of teachers at {} or more α (has {}): with fewer, "
                                               "any statistic monotone in α ranks the students alike",
                                               kRankAlphaLevels, teacher_alphas(d).size()));
    const RankUnits u = rank_units(d, member);
    if (u.student.size() < 3) return needs(std::move(c), "needs T = 1 students of three or more teacher runs");
    const Evidence advantage = rank_evidence(u, rank_advantage), partial = rank_evidence(u, partial_rank);
    if (!advantage.interval.defined() || !partial.interval.defined())
        return needs(std::move(c), "needs T = 1 students of teacher runs with distinct values within the α levels");
    c.verdict = all_of({decide(advantage, Prediction::greater, kRank.min_effect),
                        decide(partial, Prediction::greater, kRank.min_effect)});
    c.mde = mde_text(advantage, kRank);
    const analysis::Interval by_stat = teacher_rank_interval(d, member),
                             by_acc = teacher_rank_interval(d, &TeacherRow::test_acc);
    c.numbers = fmt::format("ρ({0}, student) − ρ(teacher accuracy, student): {1}; partial ρ({0}, student | α): {2}; "
                            "beside them ρ({0}, student) = {3:+.2f}, ρ(teacher accuracy, student) = {4:+.2f}",
                            name, describe(advantage, kRank), describe(partial, kRank), by_stat.estimate,
                            by_acc.estimate);
    c.runs = fmt::format("teachers α ∈ {} and their T = 1 students ({} teacher runs)", list_text(teacher_alphas(d)),
                         u.student.size());
    return c;
}

const Claim* find(const std::vector<Claim>& claims, const std::string& id) {
    for (const auto& c : claims)
        if (c.id == id) return &c;
    return nullptr;
}

}  // namespace

Claim claim_shen_same_temperature(const StudyData& d) {
    Claim c = make_claim("S1", "S",
                         "At T = 1, an LS teacher's student is equal to or better than the hard teacher's, with a loss "
                         "without hard labels where the grid has one (§12.12).");
    // T = 1 students of the teacher of α; with `pure`, only those trained without hard labels (β = 1).
    const auto t1 = [&](double a, bool pure) {
        const auto rows = students(d, a, 1.0);
        return pure ? without_hard_labels(rows) : rows;
    };
    const auto smoothed_with = [&](bool pure) {
        std::vector<double> out;
        for (double a : smoothed_alphas(d))
            if (!t1(a, pure).empty()) out.push_back(a);
        return out;
    };
    const bool pure = !t1(0, true).empty() && !smoothed_with(true).empty();
    const std::vector<double> smoothed = smoothed_with(pure);
    const auto pick = [&](double a) { return t1(a, pure); };
    if (smoothed.empty() || pick(0).empty())
        return needs(std::move(c), "needs T = 1 students of the α = 0 and an LS teacher");
    const auto best = best_on_validation(smoothed, [&](double a) { return mean_val_acc(pick(a)); });
    if (!best) return needs(std::move(c), "needs a validation split (val-size > 0) to select the LS teacher");
    const BySeed ls = test_accuracy(pick(*best)), hard = test_accuracy(pick(0));
    const Evidence e = compare(ls, hard);
    c.verdict = decide(e, Prediction::at_least, kAccuracy.min_effect);
    c.mde = mde_text(e, kAccuracy);
    c.numbers = fmt::format("student of α = {} (best on validation) − student of α = 0, T = 1: {}; {}", *best,
                            describe(e, kAccuracy),
                            pure ? "loss without hard labels (β = 1)" : "the grid has no loss without hard labels");
    c.runs = fmt::format("T = 1 students of teachers α ∈ {{0, {}}}, {}", *best, seeds_text(hard));
    return c;
}

Claim claim_temperature_interaction(const StudyData& d) {
    Claim c = make_claim("C1", "C",
                         "An LS teacher's students lose accuracy faster for T ≥ 2 than the hard teacher's (§12.10): "
                         "[hard(T) − hard(1)] − [LS(T) − LS(1)] > 0.");
    BySeed d_sum;
    std::map<std::uint64_t, int> counts;
    std::vector<double> pairs_t, pairs_a;
    for (double a : smoothed_alphas(d))
        for (double t : student_temperatures(d, a)) {
            if (t < 2) continue;
            const BySeed h1 = test_accuracy(students(d, 0, 1.0)), ht = test_accuracy(students(d, 0, t));
            const BySeed l1 = test_accuracy(students(d, a, 1.0)), lt = test_accuracy(students(d, a, t));
            const BySeed dd = difference(difference(ht, h1), difference(lt, l1));
            for (const auto& [seed, m] : dd) {
                d_sum[seed].value += m.value;
                d_sum[seed].examples = std::nan("");
                counts[seed] += 1;
            }
            if (!dd.empty()) pairs_a.push_back(a), pairs_t.push_back(t);
        }
    if (d_sum.empty())
        return needs(std::move(c),
                     "needs students of LS teachers at T ≥ 2, with the α = 0 teacher's at the same T and at T = 1");
    for (auto& [seed, m] : d_sum) m.value /= counts[seed];
    const Evidence e = one_sample(d_sum);
    c.verdict = decide(e, Prediction::greater, kAccuracy.min_effect);
    c.mde = mde_text(e, kAccuracy);
    c.numbers =
        fmt::format("mean over (α, T) ∈ {} × {}: {}", list_text(pairs_a), list_text(pairs_t), describe(e, kAccuracy));
    c.runs = fmt::format("students of teachers α ∈ {{0}} ∪ {} at T = 1 and T ∈ {}, {}", list_text(pairs_a),
                         list_text(pairs_t), seeds_text(d_sum));
    return c;
}

Claim claim_best_student_ls_t1(const StudyData& d) {
    Claim c = make_claim("C2", "C", "The best student overall comes from an LS teacher at T = 1 (§11.2).");
    const auto ls = best_student_config(d, [](double a, double t) { return a > 0 && t == 1.0; });
    const auto other = best_student_config(d, [](double a, double t) { return !(a > 0 && t == 1.0); });
    if (!ls || !other)
        return needs(std::move(c), "needs T = 1 students of an LS teacher, other students, and a validation split");
    const BySeed a = test_accuracy(students(d, ls->first, ls->second));
    const BySeed b = test_accuracy(students(d, other->first, other->second));
    const Evidence e = compare(a, b);
    c.verdict = decide(e, Prediction::greater, kAccuracy.min_effect);
    c.mde = mde_text(e, kAccuracy);
    c.numbers =
        fmt::format("best on validation among LS teachers at T = 1 (α = {}) − best of the others (α = {}, T = {}): {}",
                    ls->first, other->first, other->second, describe(e, kAccuracy));
    c.runs = fmt::format("every student, selected on validation, {}", seeds_text(a));
    return c;
}

Claim claim_mi_ranks_students(const StudyData& d) {
    return ranks_students_claim(
        make_claim("H1", "H",
                   "Teacher Î ranks T = 1 students better than teacher accuracy does, by more than 0.2 in Spearman ρ, "
                   "and still ranks them (partial ρ > 0.2) once α is accounted for (§12.11)."),
        d, &TeacherRow::mi, "teacher Î");
}

Claim claim_erasure_ranks_students(const StudyData& d) {
    return ranks_students_claim(
        make_claim("H2", "H",
                   "Teacher 1 − S ranks T = 1 students better than teacher accuracy does, by more than 0.2 in "
                   "Spearman ρ, and still ranks them (partial ρ > 0.2) once α is accounted for (§12.11)."),
        d, &TeacherRow::one_minus_s_train, "teacher 1 − S");
}

Claim closing_verdict(const std::vector<Claim>& claims) {
    const Claim* m5 = find(claims, "M5");
    const Claim* m6 = find(claims, "M6");
    const Claim* s1 = find(claims, "S1");
    const auto is = [](const Claim* c, Verdict v) { return c != nullptr && c->verdict == v; };
    std::vector<std::string> open;  // deciding claims still undecided (or missing)
    for (const auto& [id, x] : {std::pair{"M5", m5}, std::pair{"M6", m6}, std::pair{"S1", s1}})
        if (x == nullptr || x->verdict == Verdict::undecided) open.push_back(id);
    const bool m = is(m5, Verdict::supported) && is(m6, Verdict::supported);
    const bool s = is(s1, Verdict::supported);
    const std::string answer =
        !open.empty() ? fmt::format("neither side can be named yet: {} undecided", fmt::join(open, ", "))
        : m && s      ? "these runs support both M and S (as C explains: S compares teachers at T = 1, M the LS "
                        "teachers at T = 1 with the hard teacher at its best T)"
        : m           ? "these runs support M, not S"
        : s           ? "these runs support S, not M"
                      : "these runs support neither M nor S";
    Claim c = make_claim("MS", "M, S", fmt::format("Closing verdict: {}.", answer));
    c.verdict = open.empty() ? Verdict::supported : Verdict::undecided;
    // Each deciding claim's verdict and its first number (or the runs it needs).
    const auto brief = [](const char* id, const Claim* x) {
        if (x == nullptr) return fmt::format("{} missing", id);
        const std::string& text = x->numbers.empty() ? x->runs : x->numbers;
        return fmt::format("{} {} ({})", id, verdict_name(x->verdict), text.substr(0, text.find(';')));
    };
    c.numbers = fmt::format("{}; {}; {}", brief("M5", m5), brief("M6", m6), brief("S1", s1));
    c.runs = "those of M5, M6 and S1; a side is named only when all three are decided";
    return c;
}

}  // namespace lskd::study
