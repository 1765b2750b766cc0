// The paper's published numbers (configs/references.yaml, compiled in) and the same quantities of a study, side
// by side for the report when the data set and model match.
#pragma once
#include <string>
#include <vector>

#include "study/sweep_summary.hpp"
#include "study/tables.hpp"

namespace lskd::study {

struct Reference {
    std::string source, dataset, model, quantity;
    double alpha = 0;
    double value = 0;
    double std = -1;          // < 0: not published
    double temperature = -1;  // teacher-ece-scaled only
};

// Every key checked; an Error names `source` and the entry.
std::vector<Reference> parse_references(const std::string& text, const std::string& source);
// The built-in list.
const std::vector<Reference>& published_references();

// A markdown table of the references that match the study's data set and models, each with the study's seed mean
// ± std of the same quantity; empty when none match.
std::string reference_table(const std::vector<Reference>& references, const std::string& dataset,
                            const std::string& teacher_model, const std::string& student_model,
                            const std::vector<TeacherRow>& teachers, const std::vector<SummaryRow>& runs);

}  // namespace lskd::study
