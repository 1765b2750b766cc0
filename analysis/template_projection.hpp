// Projection of penultimate activations x = [x, 1] onto the plane of three class templates w_k = [W_k, b_k]
// (docs/method.md §6): the affine plane through the templates (lskd default) or the linear span + 2-D PCA of C.
#pragma once
#include <span>
#include <vector>

#include <Eigen/Core>

#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

// Rows w_a, w_b, w_c of the templates of `classes` (3 distinct classes of W): 3×(D+1) with the bias last.
Eigen::MatrixXd class_templates(const Eigen::Ref<const RowMatrixF>& weight,
                                const Eigen::Ref<const Eigen::VectorXf>& bias, const std::vector<int>& classes);

// Affine plane through w_a, w_b, w_c, orthonormalised by Gram–Schmidt: the first axis points from w_a to
// w_b, the second toward w_c, so the templates sit at (0, 0), (‖w_b − w_a‖, 0) and (·, > 0).
struct AffinePlane {
    std::vector<int> classes;
    Eigen::VectorXd origin;                // w_a, length D+1
    Eigen::MatrixXd basis;                 // U, (D+1)×2, UᵀU = I
    Eigen::Matrix<double, 3, 2> vertices;  // rows: Uᵀ(w_k − w_a) for k = a, b, c
};
// Throws if the three templates are collinear (no unique plane).
AffinePlane affine_template_plane(const Eigen::Ref<const RowMatrixF>& weight,
                                  const Eigen::Ref<const Eigen::VectorXf>& bias, const std::vector<int>& classes);
// u = Uᵀ([x, 1] − w_a) for each row of activations (N×D): N×2.
Eigen::MatrixXd project(const AffinePlane& plane, const Eigen::Ref<const RowMatrixF>& activations);

// Linear span (C's script): Q from the thin QR of [w_a w_b w_c] (columns signed so diag R > 0) gives 3-D
// coordinates Qᵀx; a PCA to 2-D is fitted on the fitting activations' coordinates plus the three class
// centroids (mean coordinates of each class's fitting activations, as in C), then reused for other splits.
struct SpanPlane {
    std::vector<int> classes;
    Eigen::MatrixXd basis;                 // Q, (D+1)×3, QᵀQ = I
    Eigen::Vector3d mean;                  // PCA centre
    Eigen::Matrix<double, 3, 2> axes;      // PCA axes by decreasing variance; largest |entry| of each positive
    Eigen::Vector2d explained_variance;    // variance of the fitting points along each axis
    Eigen::Matrix<double, 3, 2> vertices;  // the templates w_a, w_b, w_c in the 2-D coordinates
};
// Every fitting label must be one of `classes`, each class present. Throws if the templates are linearly
// dependent.
SpanPlane fit_span_plane(const Eigen::Ref<const RowMatrixF>& weight, const Eigen::Ref<const Eigen::VectorXf>& bias,
                         const std::vector<int>& classes, const Eigen::Ref<const RowMatrixF>& fit_activations,
                         std::span<const int> fit_labels);
// PCA coordinates of Qᵀ[x, 1] for each row of activations (N×D): N×2.
Eigen::MatrixXd project(const SpanPlane& plane, const Eigen::Ref<const RowMatrixF>& activations);

}  // namespace lskd::analysis
