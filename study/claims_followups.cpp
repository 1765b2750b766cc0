// The follow-ups' claims: Shen's same-temperature comparison (§12.12), Chandrasegaran's temperature interaction
// (§12.10), the hypothesis that erasure ranks students better than teacher accuracy (§12.11), and the closing
// verdict between M and S.
#include <cmath>

#include <fmt/format.h>

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

Claim ranks_students_claim(Claim c, const StudyData& d, double TeacherRow::*member, const char* name) {
    if (teacher_alphas(d).size() < 2) return needs(std::move(c), "needs T = 1 students of teachers at two or more α");
    const analysis::Interval by_stat = teacher_rank_interval(d, member),
                             by_acc = teacher_rank_interval(d, &TeacherRow::test_acc);
    if (!by_stat.defined() || !by_acc.defined())
        return needs(std::move(c), "needs T = 1 students of three or more teacher runs with distinct values");
    const bool apart = by_stat.low > by_acc.high || by_acc.low > by_stat.high;
    c.verdict = !apart ? Verdict::undecided : by_stat.low > by_acc.high ? Verdict::supported : Verdict::not_supported;
    c.numbers = fmt::format("ρ({}, student) = {:+.2f} [{:+.2f}, {:+.2f}]; ρ(teacher accuracy, student) = {:+.2f} "
                            "[{:+.2f}, {:+.2f}] (bootstrap over teacher runs, seed {}; undecided while they overlap)",
                            name, by_stat.estimate, by_stat.low, by_stat.high, by_acc.estimate, by_acc.low, by_acc.high,
                            kBootstrapSeed);
    c.runs = fmt::format("teachers α ∈ {} and their T = 1 students", list_text(teacher_alphas(d)));
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
    c.verdict = decide(e.interval, Prediction::at_least, kAccuracy.min_effect);
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
    c.verdict = decide(e.interval, Prediction::greater, kAccuracy.min_effect);
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
    c.verdict = decide(e.interval, Prediction::greater, kAccuracy.min_effect);
    c.numbers =
        fmt::format("best on validation among LS teachers at T = 1 (α = {}) − best of the others (α = {}, T = {}): {}",
                    ls->first, other->first, other->second, describe(e, kAccuracy));
    c.runs = fmt::format("every student, selected on validation, {}", seeds_text(a));
    return c;
}

Claim claim_mi_ranks_students(const StudyData& d) {
    return ranks_students_claim(
        make_claim("H1", "H", "Teacher Î ranks T = 1 students better than teacher accuracy does (§12.11)."), d,
        &TeacherRow::mi, "teacher Î");
}

Claim claim_erasure_ranks_students(const StudyData& d) {
    return ranks_students_claim(
        make_claim("H2", "H", "Teacher 1 − S ranks T = 1 students better than teacher accuracy does (§12.11)."), d,
        &TeacherRow::one_minus_s_train, "teacher 1 − S");
}

Claim closing_verdict(const std::vector<Claim>& claims) {
    const Claim* m5 = find(claims, "M5");
    const Claim* m6 = find(claims, "M6");
    const Claim* s1 = find(claims, "S1");
    const auto is = [](const Claim* c, Verdict v) { return c != nullptr && c->verdict == v; };
    const bool m = is(m5, Verdict::supported) && is(m6, Verdict::supported);
    const bool s = is(s1, Verdict::supported);
    const char* answer = m && s
                             ? "both M and S (as C explains: S compares teachers at T = 1, M the LS teachers at T = 1 "
                               "with the hard teacher at its best T)"
                         : m ? "M, not S"
                         : s ? "S, not M"
                             : "neither M nor S";
    Claim c = make_claim("MS", "M, S", fmt::format("Closing verdict: these runs support {}.", answer));
    c.verdict = m || s ? Verdict::supported : Verdict::undecided;
    // Each deciding claim's verdict and its first number (or the runs it needs).
    const auto brief = [](const char* id, const Claim* x) {
        if (x == nullptr) return fmt::format("{} missing", id);
        const std::string& text = x->numbers.empty() ? x->runs : x->numbers;
        return fmt::format("{} {} ({})", id, verdict_name(x->verdict), text.substr(0, text.find(';')));
    };
    c.numbers = fmt::format("{}; {}; {}", brief("M5", m5), brief("M6", m6), brief("S1", s1));
    c.runs = "those of M5, M6 and S1";
    return c;
}

}  // namespace lskd::study
