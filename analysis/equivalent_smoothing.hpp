// Equivalent label smoothing γ of a teacher at temperature T (docs/method.md §5, M §4): its mean wrong-class
// probability mass, rescaled so that a teacher whose outputs equal LS targets of α gives γ = α.
#pragma once
#include <span>

#include <Eigen/Core>

#include "analysis/smoothing_form.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

// γ = mean_i Σ_{k≠y_i} softmax(z_i / T)_k · K/(K − 1) for the Müller form; factor 1 for the Shen form, whose
// wrong-class mass is α itself. logits N×K (teacher, training set), temperature > 0.
double equivalent_smoothing(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels, double temperature,
                            SmoothingForm form = SmoothingForm::muller);

}  // namespace lskd::analysis
