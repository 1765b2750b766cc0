// Every claim rule on synthetic studies built to give each verdict: supported, not supported, negligible (a gap
// below the minimum effect, measured precisely) and undecided (a tiny gap with a large spread across seeds, or
// missing runs). Three seeds unless a case says otherwise; a seed's jitter is (seed − 2)·spread, i.e. −spread, 0,
// +spread, so the mean is the value without jitter.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/logit_gap.hpp"
#include "analysis/student_t.hpp"
#include "study/claims.hpp"
#include "study/claims_verdict.hpp"

using namespace lskd;
using study::Verdict;

namespace {

double jitter(std::uint64_t seed, double spread) { return (static_cast<double>(seed) - 2.0) * spread; }

// A neutral study: teachers at α ∈ {0, 0.1, 0.3}, students of the α = 0 teacher at T ∈ {1, 2, 4} (γ = 0.05·T) and of
// the others at T = 1 (γ = α), baselines at every α; every accuracy equal, so no claim has an effect until a case
// changes the rows.
struct World {
    std::vector<double> alphas = {0, 0.1, 0.3};
    std::vector<std::uint64_t> seeds = {1, 2, 3};
    std::vector<double> hard_temperatures = {1, 2, 4};
    std::vector<double> ls_temperatures = {1};
    std::vector<double> baselines = {0, 0.1, 0.3};
    std::string loss = "muller";
    std::function<void(study::TeacherRow&)> teacher = [](study::TeacherRow&) {};
    std::function<void(study::SummaryRow&)> run = [](study::SummaryRow&) {};
};

study::SummaryRow accuracy_row(std::string role, std::uint64_t seed, double acc) {
    study::SummaryRow r;
    r.role = std::move(role);
    r.seed = seed;
    r.val_acc = r.test_acc = acc;
    r.test_examples = 10000;
    return r;
}

study::StudyData build(const World& w) {
    study::StudyData d;
    for (std::uint64_t seed : w.seeds) {
        for (double a : w.alphas) {
            study::TeacherRow t;
            t.alpha = a;
            t.seed = seed;
            t.val_acc = t.test_acc = 0.85;
            t.test_examples = 10000;
            t.num_classes = 10;
            t.ece = 0.05;
            t.ece_scaled = 0.02;
            t.temperature = 1.0;
            t.mi = 1.0;
            t.one_minus_s_train = 0.3;
            t.scatter_train = 0.5;
            t.logit_gap_mean = a > 0 ? analysis::optimal_logit_gap(a, 10) : 10;
            t.logit_gap_std = 1;
            t.mi_first = 0.1, t.mi_peak = 2, t.mi_last = 1;
            w.teacher(t);
            d.teachers.push_back(t);
            study::SummaryRow tr = accuracy_row("teacher", seed, t.test_acc);
            tr.alpha = a;
            d.runs.push_back(tr);
            for (double T : a == 0 ? w.hard_temperatures : w.ls_temperatures) {
                study::SummaryRow s = accuracy_row("student", seed, 0.80);
                s.teacher_alpha = a;
                s.temperature = T;
                s.beta = 1;
                s.loss = w.loss;
                s.gamma = a == 0 ? 0.05 * T : a;
                w.run(s);
                d.runs.push_back(s);
            }
        }
        for (double a : w.baselines) {
            study::SummaryRow b = accuracy_row("baseline", seed, 0.80);
            b.alpha = b.gamma = a;
            b.teacher_alpha = b.temperature = b.beta = std::nan("");
            w.run(b);
            d.runs.push_back(b);
        }
    }
    return d;
}

struct Case {
    const char* name;
    std::function<study::Claim(const study::StudyData&)> rule;
    std::function<void(World&)> setup;
    Verdict expected;
};

bool student(const study::SummaryRow& r) { return r.role == "student"; }

// Teacher and student accuracies on a 9-point grid (3 α × 3 seeds): teacher k = 3·i_α + seed − 1 has accuracy
// 0.80 + 0.01·k and its T = 1 student 0.70 + 0.01·order[k]; `predictor`, if given, is 1 + order[k], so it ranks
// the students perfectly (ρ = 1) while teacher accuracy has ρ = +1 (increasing order) or −1 (decreasing).
void rank_grid(World& w, std::vector<int> order, double study::TeacherRow::*predictor = nullptr) {
    auto index = [](double alpha, std::uint64_t seed) {
        return 3 * (alpha == 0 ? 0 : alpha < 0.2 ? 1 : 2) + static_cast<int>(seed) - 1;
    };
    w.teacher = [=](study::TeacherRow& t) {
        t.test_acc = 0.80 + 0.01 * index(t.alpha, t.seed);
        if (predictor) t.*predictor = 1.0 + order[index(t.alpha, t.seed)];
    };
    w.run = [=](study::SummaryRow& r) {
        if (student(r) && r.temperature == 1) r.test_acc = 0.70 + 0.01 * order[index(r.teacher_alpha, r.seed)];
    };
}

const std::vector<int> kIncreasing = {0, 1, 2, 3, 4, 5, 6, 7, 8}, kDecreasing = {8, 7, 6, 5, 4, 3, 2, 1, 0},
                       kScrambled = {4, 0, 8, 2, 6, 1, 7, 3, 5};

// Six α levels × 4 seeds for H1/H2. The student's accuracy is 0.70 + 0.01·(seed order within α) − 0.02·(α level):
// it falls with α and, within an α, follows a seed order that the predictor reproduces (ρ and partial ρ near 1).
// Teacher accuracy rises with α and follows the reversed seed order, so it ranks the students backwards. With
// `reversed`, predictor and teacher accuracy swap roles.
void rank_grid6(World& w, double study::TeacherRow::*predictor, bool reversed) {
    w.alphas = {0, 0.05, 0.1, 0.2, 0.3, 0.6};
    w.seeds = {1, 2, 3, 4};
    w.baselines = {};
    const auto level = [a = w.alphas](double alpha) {
        return static_cast<double>(std::find(a.begin(), a.end(), alpha) - a.begin());
    };
    const std::vector<int> order = {2, 0, 3, 1};  // a seed's place among the students of one α
    w.teacher = [=](study::TeacherRow& t) {
        const double good = order[t.seed - 1] - 2.0 * level(t.alpha), bad = 0.5 * level(t.alpha) - order[t.seed - 1];
        t.*predictor = reversed ? bad : good;
        t.test_acc = 0.80 + 0.01 * (reversed ? good : bad);
    };
    w.run = [=](study::SummaryRow& r) {
        if (student(r) && r.temperature == 1)
            r.test_acc = 0.70 + 0.01 * order[r.seed - 1] - 0.02 * level(r.teacher_alpha);
    };
}

// As rank_grid6, but the predictor is α itself plus a seed term unrelated to the students' order within an α
// (Spearman 0 against {2, 0, 3, 1}): it ranks the students across α, and says nothing within one. Teacher
// accuracy carries the same unrelated seed term only.
void alpha_only_grid6(World& w, double study::TeacherRow::*predictor) {
    rank_grid6(w, predictor, false);
    w.teacher = [t = w.teacher, predictor](study::TeacherRow& r) {
        t(r);
        r.*predictor = -10.0 * r.alpha + 0.001 * static_cast<double>(r.seed - 1);
        r.test_acc = 0.85 + 0.001 * static_cast<double>(r.seed - 1);
    };
}

std::vector<Case> cases() {
    using study::SummaryRow;
    using study::TeacherRow;
    // Sets member of the teachers at α > 0 (or at α = `only`) to value + jitter.
    const auto smoothed = [](double TeacherRow::*member, double value, double spread, double only = -1) {
        return [=](World& w) {
            w.teacher = [=](TeacherRow& t) {
                if (only < 0 ? t.alpha > 0 : t.alpha == only) t.*member = value + jitter(t.seed, spread);
            };
        };
    };
    const auto students_of = [](std::function<bool(const SummaryRow&)> which, double acc, double spread) {
        return [=](World& w) {
            w.run = [=](SummaryRow& r) {
                if (student(r) && which(r)) r.val_acc = r.test_acc = acc + jitter(r.seed, spread);
            };
        };
    };
    const auto hard = [](const SummaryRow& r) { return r.teacher_alpha == 0; };
    const auto ls_t1 = [](const SummaryRow& r) { return r.teacher_alpha > 0 && r.temperature == 1; };
    const auto gaps = [](double hard_std, double spread) {
        return [=](World& w) {
            w.teacher = [=](TeacherRow& t) {
                if (t.alpha == 0) t.logit_gap_std = hard_std + jitter(t.seed, spread);
            };
        };
    };
    const auto trajectory = [](double first, double peak, double last, double spread) {
        return [=](World& w) {
            w.teacher = [=](TeacherRow& t) {
                t.mi_first = first, t.mi_peak = peak + jitter(t.seed, spread), t.mi_last = last;
            };
        };
    };
    const auto temperatures = [](double small, double large, double spread) {
        return [=](World& w) {
            w.teacher = [=](TeacherRow& t) {
                if (t.alpha == 0.1) t.temperature = small;
                if (t.alpha == 0.3) t.temperature = large + jitter(t.seed, spread);
            };
        };
    };
    const auto mnist = [](double ls_teacher, double hard_student, double ls_student, double spread) {
        return [=](World& w) {
            w.loss = "logit-mse";
            w.alphas = {0, 0.1};
            w.hard_temperatures = {1};
            w.teacher = [=](TeacherRow& t) {
                if (t.alpha > 0) t.test_acc = ls_teacher;
            };
            w.run = [=](SummaryRow& r) {
                if (student(r)) r.test_acc = r.teacher_alpha == 0 ? hard_student : ls_student + jitter(r.seed, spread);
            };
        };
    };
    const auto degrade = [](double hard_drop, double ls_drop, double spread) {
        return [=](World& w) {
            w.ls_temperatures = {1, 2};
            w.hard_temperatures = {1, 2};
            w.run = [=](SummaryRow& r) {
                if (student(r) && r.temperature == 2)
                    r.test_acc -= r.teacher_alpha == 0 ? hard_drop : ls_drop + jitter(r.seed, spread);
            };
        };
    };
    const auto best = [](double ls_t1_val, double ls_t1_test, double spread) {
        return [=](World& w) {
            w.run = [=](SummaryRow& r) {
                if (student(r) && r.teacher_alpha > 0 && r.temperature == 1) {
                    r.val_acc = ls_t1_val;
                    r.test_acc = ls_t1_test + jitter(r.seed, spread);
                }
            };
        };
    };
    const auto one_seed = [](std::function<void(World&)> f) {
        return [=](World& w) {
            f(w);
            w.seeds = {1};
        };
    };
    const auto no_smoothed_teachers = [](World& w) { w.alphas = {0}; };

    return {
        {"M1 LS teachers 1 point better", study::claim_teacher_accuracy, smoothed(&TeacherRow::test_acc, 0.86, 0.001),
         Verdict::supported},
        {"M1 LS teachers 1 point worse", study::claim_teacher_accuracy, smoothed(&TeacherRow::test_acc, 0.84, 0.001),
         Verdict::not_supported},
        {"M1 tiny gap, large spread", study::claim_teacher_accuracy, smoothed(&TeacherRow::test_acc, 0.851, 0.02),
         Verdict::undecided},
        {"M1 no LS teacher", study::claim_teacher_accuracy, no_smoothed_teachers, Verdict::undecided},
        // +0.05 points ± 0.01: the 90 % interval lies well inside ±0.2 points.
        {"M1 precise gap below the minimum effect", study::claim_teacher_accuracy,
         smoothed(&TeacherRow::test_acc, 0.8505, 0.0001), Verdict::negligible},
        // One seed: 0.8508 vs 0.85 lies inside the binomial interval (±0.99 points); 0.87 vs 0.85 does not.
        {"M1 one seed, gap inside the binomial interval", study::claim_teacher_accuracy,
         one_seed(smoothed(&TeacherRow::test_acc, 0.8508, 0)), Verdict::undecided},
        {"M1 one seed, gap beyond the binomial interval", study::claim_teacher_accuracy,
         one_seed(smoothed(&TeacherRow::test_acc, 0.87, 0)), Verdict::supported},

        {"M2 ECE falls", study::claim_teacher_calibration, smoothed(&TeacherRow::ece, 0.02, 0.001), Verdict::supported},
        {"M2 ECE rises", study::claim_teacher_calibration, smoothed(&TeacherRow::ece, 0.09, 0.001),
         Verdict::not_supported},
        {"M2 tiny gap, large spread", study::claim_teacher_calibration, smoothed(&TeacherRow::ece, 0.049, 0.02),
         Verdict::undecided},
        {"M2 one seed: no interval for ECE", study::claim_teacher_calibration,
         one_seed(smoothed(&TeacherRow::ece, 0.02, 0)), Verdict::undecided},

        {"M3 T near 1, then below 1", study::claim_fitted_temperature, temperatures(1.05, 0.8, 0.01),
         Verdict::supported},
        {"M3 T above 1 at large α", study::claim_fitted_temperature, temperatures(1.05, 1.2, 0.01),
         Verdict::not_supported},
        {"M3 tiny gap, large spread", study::claim_fitted_temperature, temperatures(1.05, 0.99, 0.1),
         Verdict::undecided},

        {"M4 wide gaps at α = 0, LS near Δ", study::claim_logit_gap, gaps(5, 0.1), Verdict::supported},
        {"M4 narrower gaps at α = 0", study::claim_logit_gap, gaps(0.2, 0.1), Verdict::not_supported},
        {"M4 tiny gap, large spread", study::claim_logit_gap, gaps(1.2, 1), Verdict::undecided},

        {"M5 hard students beat baselines", study::claim_hard_students_beat_baselines, students_of(hard, 0.82, 0.001),
         Verdict::supported},
        {"M5 hard students lose", study::claim_hard_students_beat_baselines, students_of(hard, 0.78, 0.001),
         Verdict::not_supported},
        {"M5 tiny gap, large spread", study::claim_hard_students_beat_baselines, students_of(hard, 0.801, 0.02),
         Verdict::undecided},
        {"M5 γ beyond the baselines", study::claim_hard_students_beat_baselines,
         [=](World& w) {
             students_of(hard, 0.82, 0.001)(w);
             w.baselines = {0, 0.01};
         },
         Verdict::undecided},

        {"M6 LS students below baselines", study::claim_ls_students_no_better, students_of(ls_t1, 0.79, 0.001),
         Verdict::supported},
        {"M6 LS students better", study::claim_ls_students_no_better, students_of(ls_t1, 0.83, 0.001),
         Verdict::not_supported},
        {"M6 tiny gap, large spread", study::claim_ls_students_no_better, students_of(ls_t1, 0.801, 0.03),
         Verdict::undecided},
        // The students' measured γ lies beyond every baseline; the rule reads the baselines at the teacher's α.
        {"M6 at the teacher's α whatever the measured γ", study::claim_ls_students_no_better,
         [=](World& w) {
             students_of(ls_t1, 0.83, 0.001)(w);
             w.run = [r = w.run](SummaryRow& x) {
                 r(x);
                 if (student(x) && x.teacher_alpha > 0) x.gamma = 0.9;
             };
         },
         Verdict::not_supported},

        {"M7 students fall as teachers improve", study::claim_teacher_accuracy_not_predictive,
         [=](World& w) { rank_grid(w, kDecreasing); }, Verdict::supported},
        {"M7 students rise with teachers", study::claim_teacher_accuracy_not_predictive,
         [=](World& w) { rank_grid(w, kIncreasing); }, Verdict::not_supported},
        {"M7 scrambled: wide interval", study::claim_teacher_accuracy_not_predictive,
         [=](World& w) { rank_grid(w, kScrambled); }, Verdict::undecided},

        {"M8 better LS teacher, worse student", study::claim_mnist_logit_matching, mnist(0.87, 0.82, 0.80, 0.001),
         Verdict::supported},
        {"M8 worse LS teacher", study::claim_mnist_logit_matching, mnist(0.83, 0.82, 0.80, 0.001),
         Verdict::not_supported},
        {"M8 tiny gap, large spread", study::claim_mnist_logit_matching, mnist(0.87, 0.801, 0.80, 0.03),
         Verdict::undecided},
        {"M8 no logit-mse students", study::claim_mnist_logit_matching, [](World&) {}, Verdict::undecided},
        // Student errors 0.18 and 0.20 are log(10/9) = 0.105 apart, beyond log 1.1; a teacher 0.1 points worse is
        // still non-inferior, and 0.199 against 0.2 is a precise negligible gap.
        {"M8 M's gap: error 11 % higher", study::claim_mnist_logit_matching, mnist(0.849, 0.82, 0.80, 0.001),
         Verdict::supported},
        {"M8 precise tiny error gap", study::claim_mnist_logit_matching, mnist(0.87, 0.801, 0.80, 0.0001),
         Verdict::negligible},

        {"M9 lower Î", study::claim_mi_lower, smoothed(&TeacherRow::mi, 0.8, 0.01), Verdict::supported},
        {"M9 higher Î", study::claim_mi_lower, smoothed(&TeacherRow::mi, 2, 0.01), Verdict::not_supported},
        {"M9 tiny gap, large spread", study::claim_mi_lower, smoothed(&TeacherRow::mi, 0.99, 0.3), Verdict::undecided},
        {"M9 precise gap below 0.05 nats", study::claim_mi_lower, smoothed(&TeacherRow::mi, 0.99, 0.001),
         Verdict::negligible},

        {"M10 rise, then decline", study::claim_mi_trajectory, trajectory(0.1, 2, 1, 0.01), Verdict::supported},
        {"M10 monotone rise", study::claim_mi_trajectory, trajectory(0.1, 1, 2, 0.01), Verdict::not_supported},
        {"M10 tiny bump, large spread", study::claim_mi_trajectory, trajectory(0.1, 1.01, 1, 0.3), Verdict::undecided},
        {"M10 no trajectory", study::claim_mi_trajectory, trajectory(0.1, std::nan(""), 1, 0), Verdict::undecided},

        // 1 − S is 0.3 at α = 0; the largest α is 0.3, so smoothing alone would give 0.49·0.3 = 0.147.
        {"M11 1 − S falls beyond compression", study::claim_one_minus_s,
         smoothed(&TeacherRow::one_minus_s_train, 0.1, 0.001), Verdict::supported},
        {"M11 1 − S falls less than compression", study::claim_one_minus_s,
         smoothed(&TeacherRow::one_minus_s_train, 0.2, 0.001), Verdict::not_supported},
        {"M11 compression only, large spread", study::claim_one_minus_s,
         smoothed(&TeacherRow::one_minus_s_train, 0.147, 0.05), Verdict::undecided},
        {"M11 compression only, precise", study::claim_one_minus_s,
         smoothed(&TeacherRow::one_minus_s_train, 0.147, 0.001), Verdict::negligible},
        // The old absolute rule (0.05) could not support a fall from 0.058 to 0.011; the log ratio can.
        {"M12 five times tighter from a small ratio", study::claim_tighter_clusters,
         [=](World& w) {
             w.teacher = [](TeacherRow& t) { t.scatter_train = t.alpha == 0 ? 0.058 : 0.011 + jitter(t.seed, 0.001); };
         },
         Verdict::supported},
        {"M12 looser clusters", study::claim_tighter_clusters, smoothed(&TeacherRow::scatter_train, 0.7, 0.001),
         Verdict::not_supported},
        {"M12 tiny gap, large spread", study::claim_tighter_clusters, smoothed(&TeacherRow::scatter_train, 0.49, 0.2),
         Verdict::undecided},
        {"M12 precise 2 % change", study::claim_tighter_clusters, smoothed(&TeacherRow::scatter_train, 0.49, 0.001),
         Verdict::negligible},

        {"S1 LS teacher's student better", study::claim_shen_same_temperature,
         students_of([](const SummaryRow& r) { return r.teacher_alpha > 0; }, 0.81, 0.001), Verdict::supported},
        {"S1 LS teacher's student worse", study::claim_shen_same_temperature,
         students_of([](const SummaryRow& r) { return r.teacher_alpha > 0; }, 0.78, 0.001), Verdict::not_supported},
        {"S1 tiny gap, large spread", study::claim_shen_same_temperature,
         students_of([](const SummaryRow& r) { return r.teacher_alpha > 0; }, 0.799, 0.03), Verdict::undecided},

        {"C1 LS students degrade faster", study::claim_temperature_interaction, degrade(0, 0.03, 0.001),
         Verdict::supported},
        {"C1 hard students degrade faster", study::claim_temperature_interaction, degrade(0.03, 0, 0.001),
         Verdict::not_supported},
        {"C1 tiny gap, large spread", study::claim_temperature_interaction, degrade(0, 0.001, 0.03),
         Verdict::undecided},
        {"C1 no LS teachers at T ≥ 2", study::claim_temperature_interaction, [](World&) {}, Verdict::undecided},
        {"C1 precise tiny gap", study::claim_temperature_interaction, degrade(0, 0.001, 0.0001), Verdict::negligible},

        {"C2 best student from an LS teacher at T = 1", study::claim_best_student_ls_t1, best(0.83, 0.83, 0.001),
         Verdict::supported},
        {"C2 it is worse on test", study::claim_best_student_ls_t1, best(0.83, 0.78, 0.001), Verdict::not_supported},
        {"C2 tiny gap, large spread", study::claim_best_student_ls_t1, best(0.83, 0.801, 0.03), Verdict::undecided},

        {"H1 Î ranks within α, accuracy does not", study::claim_mi_ranks_students,
         [=](World& w) { rank_grid6(w, &TeacherRow::mi, false); }, Verdict::supported},
        {"H1 accuracy ranks, Î is reversed", study::claim_mi_ranks_students,
         [=](World& w) { rank_grid6(w, &TeacherRow::mi, true); }, Verdict::not_supported},
        {"H1 Î only tracks α", study::claim_mi_ranks_students, [=](World& w) { alpha_only_grid6(w, &TeacherRow::mi); },
         Verdict::undecided},
        {"H1 three α levels are too few", study::claim_mi_ranks_students,
         [=](World& w) { rank_grid(w, kDecreasing, &TeacherRow::mi); }, Verdict::undecided},
        {"H1 six α levels without students", study::claim_mi_ranks_students,
         [=](World& w) {
             rank_grid6(w, &TeacherRow::mi, false);
             w.hard_temperatures = w.ls_temperatures = {};
         },
         Verdict::undecided},
        {"H2 1 − S ranks within α, accuracy does not", study::claim_erasure_ranks_students,
         [=](World& w) { rank_grid6(w, &TeacherRow::one_minus_s_train, false); }, Verdict::supported},
        {"H2 accuracy ranks, 1 − S is reversed", study::claim_erasure_ranks_students,
         [=](World& w) { rank_grid6(w, &TeacherRow::one_minus_s_train, true); }, Verdict::not_supported},
    };
}

}  // namespace

TEST_CASE("every claim rule gives each verdict on the study built for it", "[claims]") {
    for (const Case& c : cases()) {
        World w;
        c.setup(w);
        const study::Claim claim = c.rule(build(w));
        INFO(c.name << "\n" << claim.id << ": " << claim.numbers << "\nruns: " << claim.runs);
        CHECK(study::verdict_name(claim.verdict) == std::string(study::verdict_name(c.expected)));
        if (claim.verdict != Verdict::undecided) CHECK(claim.numbers.find('[') != std::string::npos);
        CHECK_FALSE(claim.runs.empty());
    }
}

TEST_CASE("a claim the grid cannot decide names the runs it needs", "[claims]") {
    World w;
    const study::Claim c = study::claim_temperature_interaction(build(w));
    CHECK(c.verdict == Verdict::undecided);
    CHECK(c.runs.find("needs students of LS teachers at T ≥ 2") == 0);
    w.alphas = {0};
    CHECK(study::claim_mi_lower(build(w)).runs == "needs teachers at α = 0 and α > 0");
}

TEST_CASE("the verdict rule of each prediction, by hand", "[claims]") {
    using study::Prediction;
    const auto v = [](double est, double lo, double hi, Prediction p) {
        return study::decide(analysis::Interval{est, lo, hi}, p, 0.002);
    };
    // greater: above 0 with d̄ beyond the minimum effect; entirely below 0; a small d̄ above 0 is not enough.
    CHECK(v(0.005, 0.001, 0.009, Prediction::greater) == Verdict::supported);
    CHECK(v(0.0015, 0.001, 0.002, Prediction::greater) == Verdict::undecided);
    CHECK(v(-0.005, -0.009, -0.001, Prediction::greater) == Verdict::not_supported);
    CHECK(v(0.0008, -0.0086, 0.0102, Prediction::greater) ==
          Verdict::undecided);  // the old "supported" 0.8691 vs 0.8683
    // not_greater: the upper end below the minimum effect; clearly above 0.
    CHECK(v(-0.003, -0.006, 0.001, Prediction::not_greater) == Verdict::supported);
    CHECK(v(0.005, 0.001, 0.009, Prediction::not_greater) == Verdict::not_supported);
    CHECK(v(0.0, -0.01, 0.01, Prediction::not_greater) == Verdict::undecided);
    // at_least: the lower end above −min effect; clearly below 0.
    CHECK(v(0.0, -0.001, 0.001, Prediction::at_least) == Verdict::supported);
    CHECK(v(-0.005, -0.009, -0.001, Prediction::at_least) == Verdict::not_supported);
    CHECK(v(0.0, -0.01, 0.01, Prediction::at_least) == Verdict::undecided);
    CHECK(v(0.01, std::nan(""), std::nan(""), Prediction::greater) == Verdict::undecided);
    // negligible (d > 0 only): the 90 % interval inside ±0.002, and neither supported nor not supported.
    const auto n = [](double est, double lo90, double hi90) {
        return study::decide(analysis::Interval{est, lo90 - 0.0005, hi90 + 0.0005}, Prediction::greater, 0.002,
                             analysis::Interval{est, lo90, hi90});
    };
    CHECK(n(0.0005, -0.001, 0.0019) == Verdict::negligible);
    CHECK(n(0.0005, -0.0021, 0.0019) == Verdict::undecided);        // the lower bound reaches −δ
    CHECK(n(0.0015, 0.0011, 0.0019) == Verdict::negligible);        // above 0, yet below δ throughout
    CHECK(n(-0.0015, -0.0019, -0.0011) == Verdict::not_supported);  // a reversed sign is refuted first

    CHECK(study::all_of({Verdict::supported, Verdict::supported}) == Verdict::supported);
    CHECK(study::all_of({Verdict::supported, Verdict::undecided}) == Verdict::undecided);
    CHECK(study::all_of({Verdict::undecided, Verdict::not_supported}) == Verdict::not_supported);
    CHECK(study::all_of({Verdict::supported, Verdict::negligible}) == Verdict::negligible);
    CHECK(study::all_of({Verdict::negligible, Verdict::undecided}) == Verdict::undecided);
    CHECK(study::all_of({Verdict::negligible, Verdict::not_supported}) == Verdict::not_supported);
}

TEST_CASE("comparisons pair seeds, and fall back on the binomial interval for one seed of accuracies", "[claims]") {
    // Seeds 1, 2, 3 paired; seed 4 only in a: d = {0.01, 0.02, 0.01}, the t interval of test_statistics.cpp.
    const study::BySeed a = {{1, {0.87, 1e4}}, {2, {0.88, 1e4}}, {3, {0.86, 1e4}}, {4, {0.5, 1e4}}};
    const study::BySeed b = {{1, {0.86, 1e4}}, {2, {0.86, 1e4}}, {3, {0.85, 1e4}}};
    const study::Evidence e = study::compare(a, b);
    CHECK(e.seeds == 3);
    CHECK(e.interval.low == Approx(-0.0010089).margin(1e-6));
    CHECK(e.method == "paired t, 3 seeds");
    const study::Evidence one = study::compare({{1, {0.8691, 1e4}}}, {{1, {0.8683, 1e4}}});
    CHECK(one.interval.high == Approx(0.0101612).margin(1e-6));
    CHECK(one.method == "binomial, one seed");
    // Seeds {1, 2, 3} against {4, 5, 6, 7} share none: Welch's interval of test_statistics.cpp, −5 ± t·√2.
    const study::Evidence welch =
        study::compare({{1, {1, 0}}, {2, {2, 0}}, {3, {3, 0}}}, {{4, {4, 0}}, {5, {6, 0}}, {6, {8, 0}}, {7, {10, 0}}});
    CHECK(welch.method == "Welch, 3 and 4 unpaired seeds");
    CHECK(welch.interval.estimate == Approx(-5));
    CHECK(welch.interval.high ==
          Approx(-5 + analysis::student_t_quantile(0.975, 4.0754717) * std::sqrt(2.0)).epsilon(1e-6));
    const study::Evidence none = study::compare({{1, {0.05, std::nan("")}}}, {{1, {0.02, std::nan("")}}});
    CHECK_FALSE(none.interval.defined());
}

TEST_CASE("the closing verdict names M, S, both or neither from M5, M6 and S1", "[claims]") {
    const auto claim = [](const char* id, Verdict v) {
        study::Claim c;
        c.id = id;
        c.verdict = v;
        c.numbers = "d̄ = +1.00 pts [+0.50, +1.50] (paired t, 3 seeds); more";
        return c;
    };
    const auto closing = [&](Verdict m5, Verdict m6, Verdict s1) {
        return study::closing_verdict({claim("M5", m5), claim("M6", m6), claim("S1", s1)});
    };
    CHECK(closing(Verdict::supported, Verdict::supported, Verdict::not_supported).statement.find("support M, not S") !=
          std::string::npos);
    CHECK(closing(Verdict::negligible, Verdict::not_supported, Verdict::supported).statement.find("support S, not M") !=
          std::string::npos);
    CHECK(closing(Verdict::supported, Verdict::supported, Verdict::supported).statement.find("both M and S") !=
          std::string::npos);
    CHECK(
        closing(Verdict::not_supported, Verdict::supported, Verdict::not_supported).statement.find("neither M nor S") !=
        std::string::npos);
    // S1 merely undecided: no side is named, though M5 and M6 are supported.
    const study::Claim open = closing(Verdict::supported, Verdict::supported, Verdict::undecided);
    CHECK(open.statement.find("neither side can be named yet: S1 undecided") != std::string::npos);
    CHECK(open.verdict == Verdict::undecided);
    const study::Claim two_open = closing(Verdict::undecided, Verdict::not_supported, Verdict::undecided);
    CHECK(two_open.statement.find("M5, S1 undecided") != std::string::npos);
    CHECK(two_open.numbers.find("M5 undecided (d̄ = +1.00 pts [+0.50, +1.50] (paired t, 3 seeds))") == 0);
}

TEST_CASE("evaluate_claims runs every rule once, the closing verdict last", "[claims]") {
    const auto claims = study::evaluate_claims(build(World{}).teachers, build(World{}).runs);
    REQUIRE(claims.size() == 18);
    CHECK(claims.front().id == "M1");
    CHECK(claims.back().id == "MS");
    CHECK(study::claims_rule_text().find("negligible") != std::string::npos);
}

TEST_CASE("Shen's comparison prefers students without hard labels and says when the grid has none", "[claims]") {
    World w;
    // β = 1 students of the LS teachers are worse; β = 0.5 ones (with hard labels) are better and must be ignored.
    w.hard_temperatures = {1};
    w.run = [](study::SummaryRow& r) {
        if (r.role != "student" || r.teacher_alpha == 0) return;
        r.test_acc = 0.78 + 0.001 * (static_cast<double>(r.seed) - 2);
    };
    study::StudyData d = build(w);
    for (auto row : std::vector<study::SummaryRow>(d.runs))
        if (row.role == "student") {
            row.beta = 0.5;
            row.test_acc = row.teacher_alpha > 0 ? 0.85 : 0.80;
            d.runs.push_back(row);
        }
    const study::Claim pure = study::claim_shen_same_temperature(d);
    CHECK(pure.verdict == Verdict::not_supported);
    CHECK(pure.numbers.find("loss without hard labels (β = 1)") != std::string::npos);
    std::erase_if(d.runs, [](const study::SummaryRow& r) { return r.role == "student" && r.beta == 1; });
    const study::Claim mixed = study::claim_shen_same_temperature(d);
    CHECK(mixed.verdict == Verdict::supported);
    CHECK(mixed.numbers.find("the grid has no loss without hard labels") != std::string::npos);
}
