// Row-wise softmax and log-sum-exp of float logits at a temperature, computed in double with the row
// maximum subtracted, so large logits (hard-target nets reach hundreds) neither overflow nor lose mass.
#pragma once
#include <Eigen/Core>

#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// softmax(z / temperature) per row; temperature > 0. Rows are processed in parallel.
RowMatrixD softmax(const Eigen::Ref<const RowMatrixF>& logits, double temperature = 1.0);

// log Σ_k exp(z_k / temperature) of one row.
double log_sum_exp(const Eigen::Ref<const Eigen::RowVectorXf>& row, double temperature = 1.0);

}  // namespace lskd::analysis
