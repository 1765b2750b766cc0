// Calibration of a classifier's softmax outputs (docs/method.md §7, Guo et al.): confidence and prediction,
// the reliability diagram over equal-width bins, expected calibration error (a fraction), NLL and accuracy.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

inline constexpr int kDefaultCalibrationBins = 15;

// Per example: c_i = max_k p_ik and ŷ_i = argmax_k p_ik (the lowest index on ties), p = softmax(z / T).
struct Predictions {
    std::vector<double> confidence;
    std::vector<int> prediction;
};
Predictions predict(const Eigen::Ref<const RowMatrixF>& logits, double temperature = 1.0);

// Bin m (1-based) holds the examples with confidence in ((m−1)/M, m/M]; a confidence of exactly 0 goes
// to the first bin. accuracy and confidence are 0 for an empty bin.
struct ReliabilityBin {
    double lower = 0;
    double upper = 0;
    std::int64_t count = 0;
    double accuracy = 0;
    double confidence = 0;
};
struct ReliabilityDiagram {
    std::vector<ReliabilityBin> bins;
    std::int64_t examples = 0;
    double ece = 0;  // Σ_m (|B_m|/n)·|acc(B_m) − conf(B_m)|, empty bins add 0
};

// From per-example confidences in [0, 1] and correctness flags.
ReliabilityDiagram reliability_diagram(std::span<const double> confidence, const std::vector<bool>& correct,
                                       int bins = kDefaultCalibrationBins);

struct CalibrationReport {
    double temperature = 1;
    ReliabilityDiagram reliability;
    double ece = 0;       // = reliability.ece
    double nll = 0;       // mean −log p_label, nats
    double accuracy = 0;  // fraction of ŷ_i == label
};

// Calibration of softmax(z / temperature) against the labels.
CalibrationReport calibration(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels,
                              double temperature = 1.0, int bins = kDefaultCalibrationBins);

// Mean negative log-likelihood of the labels under softmax(z / temperature), via log-sum-exp.
double mean_nll(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels, double temperature = 1.0);

}  // namespace lskd::analysis
