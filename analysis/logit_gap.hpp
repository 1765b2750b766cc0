// Correct-minus-incorrect logit gaps (docs/method.md §2, §12 outcome 2): LS drives every gap z_label − z_j toward
// the constant Δ(α); hard targets leave it large and widely spread.
#pragma once
#include <cstdint>
#include <span>

#include <Eigen/Core>

#include "analysis/smoothing_form.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

// Over all (example i, wrong class j ≠ label_i) pairs of g_ij = z_i,label − z_ij; stds are population stds.
struct LogitGapStats {
    std::int64_t examples = 0;
    std::int64_t pairs = 0;  // examples · (K − 1)
    double mean = 0;
    double stddev = 0;
    double min = 0;
    double max = 0;
    // mean_i of the std of example i's K − 1 gaps: how much the wrong logits differ within an example, the
    // similarity structure LS erases (0 when every wrong logit of an example is equal).
    double mean_within_example_stddev = 0;
};
LogitGapStats logit_gap_stats(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels);

// The gap at the optimum of CE against LS targets, where p equals the targets:
// Müller form Δ(α) = log(1 + K(1 − α)/α); Shen form log((1 − α)(K − 1)/α). +inf at α = 0 (hard targets),
// α ∈ [0, 1], K ≥ 2.
double optimal_logit_gap(double alpha, int num_classes, SmoothingForm form = SmoothingForm::muller);

}  // namespace lskd::analysis
