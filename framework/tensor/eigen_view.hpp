// Zero-copy Eigen views of a Tensor: rows = first dimension, columns = the rest, row-major.
#pragma once
#include <Eigen/Core>

#include "framework/tensor/tensor.hpp"

namespace lskd {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline Eigen::Map<RowMatrixF> as_matrix(Tensor& t) {
    const auto rows = t.rank() == 0 ? 1 : t.dim(0);
    return {t.data(), rows, rows == 0 ? 0 : t.numel() / rows};
}
inline Eigen::Map<const RowMatrixF> as_matrix(const Tensor& t) {
    const auto rows = t.rank() == 0 ? 1 : t.dim(0);
    return {t.data(), rows, rows == 0 ? 0 : t.numel() / rows};
}
inline Eigen::Map<Eigen::VectorXf> as_vector(Tensor& t) { return {t.data(), t.numel()}; }
inline Eigen::Map<const Eigen::VectorXf> as_vector(const Tensor& t) { return {t.data(), t.numel()}; }

}  // namespace lskd
