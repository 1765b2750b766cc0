// M's claims about students (§12.7, 8, 9): against LS-trained baselines at equal γ, and teacher accuracy as a
// predictor of student accuracy.
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "study/claims.hpp"
#include "study/claims_groups.hpp"

namespace lskd::study {

Claim claim_hard_students_beat_baselines(const StudyData& d) {
    Claim c = make_claim("M5", "M",
                         "The hard-target teacher's student at its validation-best T beats the LS-trained baselines at "
                         "equal γ (§12.7).");
    const auto temps = student_temperatures(d, 0);
    if (temps.empty()) return needs(std::move(c), "needs students of the α = 0 teacher");
    if (baseline_alphas(d).size() < 2) return needs(std::move(c), "needs baselines at two or more α");
    const auto best = best_on_validation(temps, [&](double t) { return mean_val_acc(students(d, 0, t)); });
    if (!best) return needs(std::move(c), "needs a validation split (val-size > 0) to select the best T");
    const auto rows = students(d, 0, *best);
    const BySeed gammas = student_gammas(rows), base = baseline_at(d, gammas);
    if (base.empty())
        return needs(std::move(c), fmt::format("needs baselines whose α range {} covers the student's γ = {:.3f}",
                                               list_text(baseline_alphas(d)), gammas.begin()->second.value));
    const BySeed student = test_accuracy(rows);
    const Evidence e = compare(student, base);
    c.verdict = decide(e, Prediction::greater, kAccuracy.min_effect);
    c.mde = mde_text(e, kAccuracy);
    std::string every;
    for (double t : temps) {
        const auto at_t = students(d, 0, t);
        const BySeed base_t = baseline_at(d, student_gammas(at_t));
        every += fmt::format("{}T = {}: {}", every.empty() ? "" : "; ", t,
                             base_t.empty() ? std::string("γ outside the baselines")
                                            : describe(compare(test_accuracy(at_t), base_t), kAccuracy));
    }
    c.numbers = fmt::format("student at T = {} (best on validation) − baseline interpolated at γ = {:.3f}: {}; "
                            "student {}; (every T: {})",
                            *best, gammas.begin()->second.value, describe(e, kAccuracy),
                            describe_group(student, kAccuracy), every);
    c.runs = fmt::format("students of the α = 0 teacher at T ∈ {}, baselines α ∈ {}, {}", list_text(temps),
                         list_text(baseline_alphas(d)), seeds_text(student));
    return c;
}

Claim claim_ls_students_no_better(const StudyData& d) {
    Claim c = make_claim("M6", "M",
                         "Students of LS teachers at T = 1 are no better than the LS-trained baselines interpolated "
                         "at the teacher's α, by less than 0.2 points at the 95 % upper end (§12.8, §9.2).");
    // By seed, the student and baseline accuracies averaged over the LS teachers with a T = 1 student whose
    // baseline exists at the given γ (the teacher's α, or the student's measured γ).
    const auto averaged = [&](bool at_teacher_alpha, std::vector<double>* used) {
        std::map<std::uint64_t, std::array<double, 4>> sums;  // student, baseline, count, examples
        for (double a : smoothed_alphas(d)) {
            const auto rows = students(d, a, 1.0);
            BySeed gammas = student_gammas(rows);
            if (at_teacher_alpha)
                for (auto& [seed, g] : gammas) g.value = a;
            const BySeed student = test_accuracy(rows), base = baseline_at(d, gammas);
            for (const auto& [seed, m] : student)
                if (const auto it = base.find(seed); it != base.end()) {
                    auto& s = sums[seed];
                    s[0] += m.value, s[1] += it->second.value, s[2] += 1, s[3] = m.examples;
                    if (used && (used->empty() || used->back() != a)) used->push_back(a);
                }
        }
        std::pair<BySeed, BySeed> out;
        for (const auto& [seed, s] : sums) {
            out.first[seed] = {s[0] / s[2], s[3]};
            out.second[seed] = {s[1] / s[2], s[3]};
        }
        return out;
    };
    std::vector<double> used;
    const auto [student, base] = averaged(true, &used);
    if (student.empty())
        return needs(std::move(c), "needs T = 1 students of LS teachers and baselines whose α range covers their α");
    const Evidence e = compare(student, base);
    c.verdict = decide(e, Prediction::not_greater, kAccuracy.min_effect);
    c.mde = mde_text(e, kAccuracy);
    const auto [student_g, base_g] = averaged(false, nullptr);
    c.numbers = fmt::format(
        "student − baseline at the teacher's α, averaged over teacher α ∈ {}: {}; students {}, "
        "baselines {}; beside it, not deciding: at the students' measured γ {}",
        list_text(used), describe(e, kAccuracy), describe_group(student, kAccuracy), describe_group(base, kAccuracy),
        student_g.empty() ? std::string("γ outside the baselines") : describe(compare(student_g, base_g), kAccuracy));
    c.runs = fmt::format("T = 1 students of teachers α ∈ {}, baselines α ∈ {}, {}", list_text(used),
                         list_text(baseline_alphas(d)), seeds_text(student));
    return c;
}

Claim claim_teacher_accuracy_not_predictive(const StudyData& d) {
    Claim c = make_claim("M7", "M",
                         "Teacher accuracy does not predict student accuracy: Spearman ρ(teacher accuracy, T = 1 "
                         "student accuracy) is not positive (§12.8).");
    const analysis::Interval rho = teacher_rank_interval(d, &TeacherRow::test_acc);
    if (teacher_alphas(d).size() < 2 || !rho.defined())
        return needs(std::move(c), "needs T = 1 students of three or more teacher runs at two or more α");
    c.verdict = decide(rho, Prediction::not_greater, kRank.min_effect);
    c.numbers = fmt::format("ρ = {:+.2f} [{:+.2f}, {:+.2f}] (bootstrap over {} teacher runs, seed {})", rho.estimate,
                            rho.low, rho.high, teacher_runs_with_t1_student(d), kBootstrapSeed);
    c.runs = fmt::format("teachers α ∈ {} and their T = 1 students", list_text(teacher_alphas(d)));
    return c;
}

Claim claim_mnist_logit_matching(const StudyData& d) {
    Claim c = make_claim("M8", "M",
                         "With logit matching (MNIST protocol), an LS teacher at least as accurate as the α = 0 "
                         "teacher (non-inferior by 0.2 points) gives a student with a test error more than 10 % higher "
                         "(§12.9).");
    const std::string loss = "logit-mse";
    std::vector<double> smoothed;
    for (double a : smoothed_alphas(d))
        if (!student_temperatures(d, a, loss).empty()) smoothed.push_back(a);
    if (student_temperatures(d, 0, loss).empty() || smoothed.empty())
        return needs(std::move(c),
                     "needs logit-mse students of the α = 0 and an LS teacher (configs/mnist-paper.yaml)");
    const auto best = best_on_validation(smoothed, [&](double a) {
        return mean_val_acc(students(d, a, student_temperatures(d, a, loss).front(), loss));
    });
    if (!best) return needs(std::move(c), "needs a validation split (val-size > 0) to select the LS teacher");
    const BySeed hard_teacher = teacher_values(d, 0, &TeacherRow::test_acc);
    const BySeed ls_teacher = teacher_values(d, *best, &TeacherRow::test_acc);
    const BySeed hard_student = test_accuracy(students(d, 0, student_temperatures(d, 0, loss).front(), loss));
    const BySeed ls_student = test_accuracy(students(d, *best, student_temperatures(d, *best, loss).front(), loss));
    BySeed error_ratio;  // log(err of the LS teacher's student / err of the hard teacher's)
    for (const auto& [seed, h] : hard_student)
        if (const auto it = ls_student.find(seed); it != ls_student.end())
            error_ratio[seed] = {std::log((1 - it->second.value) / (1 - h.value)), std::nan("")};
    const Evidence teachers = compare(ls_teacher, hard_teacher), pupils = one_sample(error_ratio);
    c.verdict = all_of({decide(teachers, Prediction::at_least, kAccuracy.min_effect),
                        decide(pupils, Prediction::greater, kLogRatio.min_effect)});
    c.mde = mde_text(pupils, kLogRatio);
    c.numbers = fmt::format("teacher α = {} − teacher α = 0 (non-inferiority, ≥ −0.2 pts): {}; log(test error of the "
                            "student of α = {} / of the student of α = 0): {} (minimum effect log 1.1)",
                            *best, describe(teachers, kAccuracy), *best, describe(pupils, kLogRatio));
    c.runs = fmt::format("teachers α ∈ {{0, {}}} and their logit-mse students, {}", *best, seeds_text(hard_student));
    return c;
}

}  // namespace lskd::study
