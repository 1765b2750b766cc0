// Temperature scaling (Guo et al.; docs/method.md §7): the single T > 0 minimising the NLL of softmax(z / T) on
// held-out logits, and the calibration of another split before and after applying it.
#pragma once
#include <span>

#include <Eigen/Core>

#include "analysis/calibration.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

// The search interval for T. The default is symmetric in 1/T, the variable searched.
struct TemperatureBounds {
    double min = 0.05;
    double max = 20.0;
};

struct TemperatureFit {
    double temperature = 1;
    double nll_before = 0;  // NLL at T = 1 on the fitting split
    double nll_after = 0;   // NLL at the fitted T on the fitting split
    int iterations = 0;     // Newton or bisection steps taken
    bool at_bound = false;  // the optimum lies at (or beyond) an end of the bounds
};

// Minimises NLL(β) = mean_i [log Σ_k exp(β z_ik) − β z_i,label] over β = 1/T. NLL is convex in β (its
// second derivative is the mean variance of z under softmax(βz)), so a Newton step safeguarded by the
// sign-of-derivative bracket converges to the global optimum. Rows of constant logits are accepted, but if
// every row is constant T is not identifiable and lskd::Error is thrown.
TemperatureFit fit_temperature(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels,
                               TemperatureBounds bounds = {});

struct TemperatureScaling {
    TemperatureFit fit;        // fitted on the fitting split (validation)
    CalibrationReport before;  // evaluation split (test) at T = 1
    CalibrationReport after;   // evaluation split at the fitted T
};

TemperatureScaling temperature_scaling(const Eigen::Ref<const RowMatrixF>& fit_logits, std::span<const int> fit_labels,
                                       const Eigen::Ref<const RowMatrixF>& eval_logits,
                                       std::span<const int> eval_labels, int bins = kDefaultCalibrationBins,
                                       TemperatureBounds bounds = {});

}  // namespace lskd::analysis
