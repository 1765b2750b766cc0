// The study's teacher table: per teacher run, the numbers the report needs from the four analyses
// (accuracy, calibration before and after temperature scaling, MI, erasure, cluster tightness), kept in
// <dir>/teachers.h5 and teachers.csv so that a finished study re-renders its report without recomputing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "distill/checkpoint.hpp"
#include "study/calibration_analysis.hpp"
#include "study/erasure_analysis.hpp"
#include "study/mi_analysis.hpp"
#include "study/projection_analysis.hpp"

namespace lskd::study {

struct TeacherRow {
    std::string file;  // within the study directory
    double alpha = 0;
    std::uint64_t seed = 0;
    double val_acc = 0;  // last epoch; the split a best α is selected on
    double test_acc = 0;
    double test_examples = 0;               // images behind test_acc
    double num_classes = 0;                 // K, for Δ(α)
    double ece = 0, nll = 0;                // test split, T = 1
    double temperature = 1;                 // fitted on the validation split
    double ece_scaled = 0, nll_scaled = 0;  // test split at the fitted T
    double mi = 0;                          // Î in nats, at the end of training (the first pair)
    double mi_2 = 0;                        // the second pair's (NaN with one pair)
    double mi_within = 0;                   // the first pair's Î within each class, averaged over its two classes
    double one_minus_s_train = 0, one_minus_s_test = 0;
    double scatter_train = 0, scatter_test = 0;    // within/between scatter of the projected triple
    double logit_gap_mean = 0, logit_gap_std = 0;  // correct − incorrect, train records
    // Î during training (the first pair's early points, then its per-epoch `mi` metric): the first and last
    // estimates and the largest strictly between them (NaN with fewer than three estimates), so "rises, then
    // declines" can be refuted by a monotone trajectory. The first is the untrained model's where the run has it.
    double mi_first = 0, mi_peak = 0, mi_last = 0;
};

TeacherRow teacher_row(const std::string& file, const distill::RunHeader& run, const CalibrationResult& calibration,
                       const ProjectionResult& projection, const std::vector<MiResult>& mi,
                       const ErasureResult& erasure);

// Written atomically; read back exactly (the report's tables come from these files). A table written by another
// version of the columns reads as empty, so the study analyses its teachers again.
void write_teacher_table(const std::string& dir, const std::vector<TeacherRow>& rows);
std::vector<TeacherRow> read_teacher_table(const std::string& dir);

}  // namespace lskd::study
