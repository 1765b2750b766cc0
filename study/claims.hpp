// The paper's claims (docs/method.md §12), one small rule each, decided by the rule of §13 from a study's teacher
// table and run summary: supported, not supported or undecided, always with the deciding numbers and their
// interval, the runs used, and for a claim the grid cannot decide, the runs it would need. "Negligible" says the
// effect is smaller than the claim's minimum effect (an equivalence test, docs/method.md §13).
#pragma once
#include <string>
#include <vector>

#include "study/sweep_summary.hpp"
#include "study/tables.hpp"

namespace lskd::study {

enum class Verdict { supported, not_supported, negligible, undecided };
const char* verdict_name(Verdict v);

struct Claim {
    std::string id;         // "M1", "S1", …: stable, for the report and the tests
    std::string source;     // M (Müller et al.), S (Shen et al.), C (Chandrasegaran et al.), H (hypothesis)
    std::string statement;  // with its §12 item
    Verdict verdict = Verdict::undecided;
    std::string numbers;  // the deciding numbers with their intervals
    std::string runs;     // the runs used, or those the claim needs
    std::string mde;      // the minimum detectable effect of the deciding comparison at these seeds ("" if none)
};

// What every rule reads.
struct StudyData {
    std::vector<TeacherRow> teachers;
    std::vector<SummaryRow> runs;  // teachers, students and baselines
};

// M: teachers (study/claims_teachers.cpp).
Claim claim_teacher_accuracy(const StudyData& d);
Claim claim_teacher_calibration(const StudyData& d);
Claim claim_fitted_temperature(const StudyData& d);
Claim claim_logit_gap(const StudyData& d);
// M: students (study/claims_students.cpp).
Claim claim_hard_students_beat_baselines(const StudyData& d);
Claim claim_ls_students_no_better(const StudyData& d);
Claim claim_teacher_accuracy_not_predictive(const StudyData& d);
Claim claim_mnist_logit_matching(const StudyData& d);
// M: erasure (study/claims_erasure.cpp).
Claim claim_mi_lower(const StudyData& d);
Claim claim_mi_trajectory(const StudyData& d);
Claim claim_one_minus_s(const StudyData& d);
Claim claim_tighter_clusters(const StudyData& d);
// S, C and the hypothesis (study/claims_followups.cpp).
Claim claim_shen_same_temperature(const StudyData& d);
Claim claim_temperature_interaction(const StudyData& d);
Claim claim_best_student_ls_t1(const StudyData& d);
Claim claim_mi_ranks_students(const StudyData& d);
Claim claim_erasure_ranks_students(const StudyData& d);
// Which of M and S the runs support, from the verdicts of the claims that separate them.
Claim closing_verdict(const std::vector<Claim>& claims);

// Every claim above, in the report's order, the closing verdict last.
std::vector<Claim> evaluate_claims(const std::vector<TeacherRow>& teachers, const std::vector<SummaryRow>& runs);

// The rule of §13 as printed under the report's claims table.
std::string claims_rule_text();

}  // namespace lskd::study
