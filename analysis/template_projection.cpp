#include "analysis/template_projection.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include "analysis/input_checks.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

namespace {

// Relative size below which a Gram–Schmidt residual or an R diagonal counts as zero. Real templates are
// never that close to degenerate; exactly degenerate ones (tests, untrained heads) land far below it.
constexpr double kDegenerate = 1e-9;

void check_activations(const Eigen::Ref<const RowMatrixF>& activations, Eigen::Index dim, const char* what) {
    if (activations.cols() != dim)
        fail("{}: activations have {} columns but the classifier expects {}", what, activations.cols(), dim);
    check_finite(activations, what);
}

// [x, 1] · M for each row x: N×cols, without materialising the augmented activations.
Eigen::MatrixXd augmented_times(const Eigen::Ref<const RowMatrixF>& activations, const Eigen::MatrixXd& m) {
    const Eigen::Index d = activations.cols();
    Eigen::MatrixXd out = activations.cast<double>() * m.topRows(d);
    out.rowwise() += m.row(d);
    return out;
}

}  // namespace

Eigen::MatrixXd class_templates(const Eigen::Ref<const RowMatrixF>& weight,
                                const Eigen::Ref<const Eigen::VectorXf>& bias, const std::vector<int>& classes) {
    if (weight.rows() == 0 || weight.cols() == 0) fail("class_templates: empty weight matrix");
    if (bias.size() != weight.rows())
        fail("class_templates: bias has {} entries but the weight has {} classes", bias.size(), weight.rows());
    check_finite(weight, "class_templates: weight");
    check_finite(bias, "class_templates: bias");
    check_class_triple(classes, weight.rows(), "class_templates");
    Eigen::MatrixXd t(3, weight.cols() + 1);
    for (Eigen::Index r = 0; r < 3; ++r) {
        const int k = classes[static_cast<std::size_t>(r)];
        t.row(r).head(weight.cols()) = weight.row(k).cast<double>();
        t(r, weight.cols()) = bias(k);
    }
    return t;
}

AffinePlane affine_template_plane(const Eigen::Ref<const RowMatrixF>& weight,
                                  const Eigen::Ref<const Eigen::VectorXf>& bias, const std::vector<int>& classes) {
    const Eigen::MatrixXd t = class_templates(weight, bias, classes);
    const Eigen::VectorXd ab = (t.row(1) - t.row(0)).transpose();
    const Eigen::VectorXd ac = (t.row(2) - t.row(0)).transpose();
    const double scale = std::max(ab.norm(), ac.norm());
    if (!(ab.norm() > kDegenerate * scale) || !(ac.norm() > kDegenerate * scale))
        fail("affine_template_plane: templates of classes {}, {}, {} are collinear (two coincide)", classes[0],
             classes[1], classes[2]);
    const Eigen::VectorXd e1 = ab / ab.norm();
    // Modified Gram–Schmidt, repeated once: the second pass removes the rounding left by the first.
    Eigen::VectorXd r = ac - e1.dot(ac) * e1;
    r -= e1.dot(r) * e1;
    if (!(r.norm() > kDegenerate * scale))
        fail("affine_template_plane: templates of classes {}, {}, {} are collinear", classes[0], classes[1],
             classes[2]);

    AffinePlane plane;
    plane.classes = classes;
    plane.origin = t.row(0).transpose();
    plane.basis.resize(t.cols(), 2);
    plane.basis.col(0) = e1;
    plane.basis.col(1) = r / r.norm();
    plane.vertices.row(0).setZero();
    plane.vertices.row(1) = (plane.basis.transpose() * ab).transpose();
    plane.vertices.row(2) = (plane.basis.transpose() * ac).transpose();
    return plane;
}

Eigen::MatrixXd project(const AffinePlane& plane, const Eigen::Ref<const RowMatrixF>& activations) {
    check_activations(activations, plane.basis.rows() - 1, "project (affine plane)");
    Eigen::MatrixXd u = augmented_times(activations, plane.basis);
    u.rowwise() -= (plane.basis.transpose() * plane.origin).transpose();
    return u;
}

SpanPlane fit_span_plane(const Eigen::Ref<const RowMatrixF>& weight, const Eigen::Ref<const Eigen::VectorXf>& bias,
                         const std::vector<int>& classes, const Eigen::Ref<const RowMatrixF>& fit_activations,
                         std::span<const int> fit_labels) {
    const Eigen::MatrixXd t = class_templates(weight, bias, classes);
    if (t.cols() < 3) fail("fit_span_plane: templates of dimension {} cannot span 3 dimensions", t.cols());
    check_activations(fit_activations, weight.cols(), "fit_span_plane");
    if (static_cast<Eigen::Index>(fit_labels.size()) != fit_activations.rows())
        fail("fit_span_plane: {} labels for {} activations", fit_labels.size(), fit_activations.rows());
    const std::vector<int> slots = class_slots(fit_labels, classes, "fit_span_plane");

    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(t.transpose());
    const Eigen::MatrixXd r = qr.matrixQR().topRows(3).triangularView<Eigen::Upper>();
    SpanPlane plane;
    plane.classes = classes;
    plane.basis = qr.householderQ() * Eigen::MatrixXd::Identity(t.cols(), 3);
    const double scale = t.rowwise().norm().maxCoeff();
    for (Eigen::Index k = 0; k < 3; ++k) {
        if (!(std::abs(r(k, k)) > kDegenerate * scale))
            fail("fit_span_plane: templates of classes {}, {}, {} are linearly dependent", classes[0], classes[1],
                 classes[2]);
        if (r(k, k) < 0) plane.basis.col(k) *= -1;  // diag R > 0 makes Q unique
    }

    // Fitting set of the PCA: every activation's coordinates plus each class's mean coordinates.
    const Eigen::MatrixXd coords = augmented_times(fit_activations, plane.basis);
    const Eigen::Index n = coords.rows();
    Eigen::MatrixXd points(n + 3, 3);
    points.topRows(n) = coords;
    points.bottomRows(3).setZero();
    Eigen::Vector3d counts = Eigen::Vector3d::Zero();
    for (Eigen::Index i = 0; i < n; ++i) {
        const int s = slots[static_cast<std::size_t>(i)];
        points.row(n + s) += coords.row(i);
        counts(s) += 1;
    }
    for (Eigen::Index s = 0; s < 3; ++s) points.row(n + s) /= counts(s);

    plane.mean = points.colwise().mean().transpose();
    const Eigen::MatrixXd centred = points.rowwise() - plane.mean.transpose();
    const Eigen::Matrix3d cov = centred.transpose() * centred / static_cast<double>(points.rows());
    const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> eig(cov);  // eigenvalues ascending
    for (Eigen::Index j = 0; j < 2; ++j) {
        Eigen::Vector3d axis = eig.eigenvectors().col(2 - j);
        Eigen::Index big = 0;
        axis.cwiseAbs().maxCoeff(&big);
        if (axis(big) < 0) axis = -axis;
        plane.axes.col(j) = axis;
        plane.explained_variance(j) = eig.eigenvalues()(2 - j);
    }
    plane.vertices =
        ((plane.basis.transpose() * t.transpose()).transpose().rowwise() - plane.mean.transpose()) * plane.axes;
    return plane;
}

Eigen::MatrixXd project(const SpanPlane& plane, const Eigen::Ref<const RowMatrixF>& activations) {
    check_activations(activations, plane.basis.rows() - 1, "project (span plane)");
    const Eigen::MatrixXd coords = augmented_times(activations, plane.basis);
    return (coords.rowwise() - plane.mean.transpose()) * plane.axes;
}

}  // namespace lskd::analysis
