// Argument checks shared by the analysis functions: each throws lskd::Error naming the function and the
// offending value, so a bad export (NaN logits, wrong label file) is caught before it skews a statistic.
#pragma once
#include <cmath>
#include <span>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "framework/core/error.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

// Throws unless every entry is finite; the message gives the first bad row and column.
template <typename Derived>
void check_finite(const Eigen::DenseBase<Derived>& m, std::string_view what) {
    if (m.allFinite()) return;
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            if (!std::isfinite(static_cast<double>(m(r, c))))
                fail("{}: non-finite value {} at row {}, column {}", what, static_cast<double>(m(r, c)), r, c);
}

// Logits N×K: at least one row, at least two classes, all finite.
void check_logits(const Eigen::Ref<const RowMatrixF>& logits, std::string_view what);

// One label per row, each in [0, num_classes).
void check_labels(std::span<const int> labels, Eigen::Index rows, Eigen::Index num_classes, std::string_view what);

// Exactly three distinct classes in [0, num_classes), as a template triple needs.
void check_class_triple(const std::vector<int>& classes, Eigen::Index num_classes, std::string_view what);

// For each label, its position in `classes`; throws if a label is not among them, or if some class has
// no example (a per-class statistic would be undefined).
std::vector<int> class_slots(std::span<const int> labels, const std::vector<int>& classes, std::string_view what);

}  // namespace lskd::analysis
