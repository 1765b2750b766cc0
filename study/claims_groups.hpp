// The groups the claim rules compare, read from a study's tables: teachers of one α, students of one teacher α
// and temperature, the LS-baseline curve interpolated at a student's γ, each as per-seed values; and the
// selection of a best α or T on the validation split (never on test, docs/method.md §13).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "study/claims_verdict.hpp"

namespace lskd::study {

inline constexpr const char* kNeedsBoth = "needs teachers at α = 0 and α > 0";

bool same_value(double a, double b);

std::vector<double> teacher_alphas(const StudyData& d);   // sorted, distinct
std::vector<double> smoothed_alphas(const StudyData& d);  // the α > 0 among them
bool has_hard_and_smoothed(const StudyData& d);
// A teacher column by seed; accuracies (test_acc) carry their test-set size.
BySeed teacher_values(const StudyData& d, double alpha, double TeacherRow::*member);

inline const std::string kNoLoss;
// Students of the teacher of `teacher_alpha` at `temperature`, optionally of one loss form only (kNoLoss: any).
std::vector<const SummaryRow*> students(const StudyData& d, double teacher_alpha, double temperature,
                                        const std::string& loss = kNoLoss);
// Their temperatures, sorted and distinct.
std::vector<double> student_temperatures(const StudyData& d, double teacher_alpha, const std::string& loss = kNoLoss);
BySeed test_accuracy(const std::vector<const SummaryRow*>& rows);
// The seed mean of val_acc; NaN when any run lacks it.
double mean_val_acc(const std::vector<const SummaryRow*>& rows);

// The candidate with the highest mean validation accuracy; none when a candidate has no validation accuracy.
std::optional<double> best_on_validation(const std::vector<double>& candidates,
                                         const std::function<double(double)>& mean_val);

// The baselines' test accuracy, interpolated per seed at that seed's γ of `gammas`; a seed whose γ lies outside
// its baseline α values is left out.
BySeed baseline_at(const StudyData& d, const BySeed& gammas);
std::vector<double> baseline_alphas(const StudyData& d);
BySeed student_gammas(const std::vector<const SummaryRow*>& rows);

// Spearman ρ of a teacher column against the test accuracy of its T = 1 student (same α and seed), over the teacher
// runs that have one, with its percentile bootstrap interval over those runs (seed kBootstrapSeed).
analysis::Interval teacher_rank_interval(const StudyData& d, double TeacherRow::*member);
std::size_t teacher_runs_with_t1_student(const StudyData& d);
// The teacher runs with a T = 1 student of the same seed: a teacher column, the teacher's test accuracy and α, and
// the student's test accuracy, one entry per run (the units of H1/H2's paired bootstrap).
struct RankUnits {
    std::vector<double> statistic, teacher_accuracy, alpha, student;
};
RankUnits rank_units(const StudyData& d, double TeacherRow::*member);

// Per seed, f of the teachers at every α > 0, averaged.
BySeed mean_over_smoothed(const StudyData& d, const std::function<double(const TeacherRow&)>& f);
// a − b per shared seed.
BySeed difference(const BySeed& a, const BySeed& b);

// "{0, 0.1, 0.3}".
std::string list_text(const std::vector<double>& values);
std::string seeds_text(const BySeed& g);

}  // namespace lskd::study
