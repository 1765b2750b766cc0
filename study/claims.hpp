// The paper's claims, each decided from a study's numbers: supported, not supported, or undecided when the
// runs lack what the claim needs. The evidence line quotes the numbers that decide it.
#pragma once
#include <string>
#include <vector>

#include "study/tables.hpp"
#include "study/sweep_summary.hpp"

namespace lskd::study {

enum class Verdict { supported, not_supported, undecided };
const char* verdict_name(Verdict v);

struct Claim {
    std::string statement;
    Verdict verdict = Verdict::undecided;
    std::string evidence;
};

std::vector<Claim> evaluate_claims(const std::vector<TeacherRow>& teachers, const std::vector<study::SummaryRow>& runs);

// Spearman's rank correlation (average ranks for ties); NaN for fewer than 3 points or a constant side.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace lskd::study
