#include "analysis/template_geometry.hpp"

#include <cmath>
#include <limits>

#include <fmt/ranges.h>

#include "analysis/input_checks.hpp"
#include "analysis/template_projection.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

TemplateDistances distances_to_templates(const Eigen::Ref<const Eigen::MatrixXd>& points,
                                         const Eigen::Ref<const Eigen::MatrixXd>& templates,
                                         std::span<const int> labels, const std::vector<int>& classes) {
    constexpr const char* what = "distances_to_templates";
    if (points.rows() == 0) fail("{}: no points", what);
    if (templates.rows() != 3 || templates.cols() != points.cols())
        fail("{}: templates are {}×{}, expected 3×{}", what, templates.rows(), templates.cols(), points.cols());
    if (static_cast<Eigen::Index>(labels.size()) != points.rows())
        fail("{}: {} labels for {} points", what, labels.size(), points.rows());
    if (classes.size() != 3) fail("{}: need exactly 3 classes, got {}", what, classes.size());
    check_finite(points, what);
    check_finite(templates, what);
    const std::vector<int> slots = class_slots(labels, classes, what);

    // d(i, k) = ‖p_i − t_k‖, kept so the spreads below are two-pass (no cancellation in E[d²] − E[d]²).
    Eigen::MatrixXd d(points.rows(), 3);
    for (Eigen::Index k = 0; k < 3; ++k) d.col(k) = (points.rowwise() - templates.row(k)).rowwise().norm();

    TemplateDistances out;
    out.classes = classes;
    for (std::size_t s = 0; s < 3; ++s) {
        ClassTemplateDistances& c = out.per_class[s];
        c.cls = classes[s];
        const auto o1 = static_cast<Eigen::Index>((s + 1) % 3), o2 = static_cast<Eigen::Index>((s + 2) % 3);
        double gap_sum = 0;
        for (Eigen::Index i = 0; i < points.rows(); ++i) {
            if (slots[static_cast<std::size_t>(i)] != static_cast<int>(s)) continue;
            ++c.count;
            for (std::size_t k = 0; k < 3; ++k) c.mean[k] += d(i, static_cast<Eigen::Index>(k));
            const double d1 = d(i, o1), d2 = d(i, o2);
            if (d1 + d2 > 0) gap_sum += std::abs(d1 - d2) / (0.5 * (d1 + d2));
        }
        const double n = static_cast<double>(c.count);
        for (double& m : c.mean) m /= n;
        for (Eigen::Index i = 0; i < points.rows(); ++i) {
            if (slots[static_cast<std::size_t>(i)] != static_cast<int>(s)) continue;
            for (std::size_t k = 0; k < 3; ++k) {
                const double dev = d(i, static_cast<Eigen::Index>(k)) - c.mean[k];
                c.stddev[k] += dev * dev;
            }
        }
        for (double& v : c.stddev) v = std::sqrt(v / n);
        c.own = c.mean[s];
        const double m1 = c.mean[static_cast<std::size_t>(o1)], m2 = c.mean[static_cast<std::size_t>(o2)];
        c.others_mean = 0.5 * (m1 + m2);
        c.others_std = 0.5 * std::abs(m1 - m2);
        c.others_relative_difference = c.others_mean > 0 ? std::abs(m1 - m2) / c.others_mean : 0.0;
        c.others_mean_relative_gap = gap_sum / n;
    }
    return out;
}

TemplateDistances template_distances(const Eigen::Ref<const RowMatrixF>& activations, std::span<const int> labels,
                                     const Eigen::Ref<const RowMatrixF>& weight,
                                     const Eigen::Ref<const Eigen::VectorXf>& bias, const std::vector<int>& classes) {
    const Eigen::MatrixXd templates = class_templates(weight, bias, classes);
    if (activations.cols() != weight.cols())
        fail("template_distances: activations have {} columns but the classifier expects {}", activations.cols(),
             weight.cols());
    Eigen::MatrixXd points(activations.rows(), activations.cols() + 1);
    points.leftCols(activations.cols()) = activations.cast<double>();
    points.col(activations.cols()).setOnes();
    return distances_to_templates(points, templates, labels, classes);
}

double scatter_ratio(const Eigen::Ref<const Eigen::MatrixXd>& points, std::span<const int> labels,
                     const std::vector<int>& classes) {
    constexpr const char* what = "scatter_ratio";
    if (points.rows() == 0 || points.cols() == 0) fail("{}: no points", what);
    if (static_cast<Eigen::Index>(labels.size()) != points.rows())
        fail("{}: {} labels for {} points", what, labels.size(), points.rows());
    if (classes.size() < 2) fail("{}: need at least 2 classes, got {}", what, classes.size());
    for (std::size_t a = 0; a < classes.size(); ++a)
        for (std::size_t b = a + 1; b < classes.size(); ++b)
            if (classes[a] == classes[b])
                fail("{}: classes must be distinct, got [{}]", what, fmt::join(classes, ", "));
    check_finite(points, what);
    const std::vector<int> slots = class_slots(labels, classes, what);

    const auto k = static_cast<Eigen::Index>(classes.size());
    Eigen::MatrixXd means = Eigen::MatrixXd::Zero(k, points.cols());
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(k);
    for (Eigen::Index i = 0; i < points.rows(); ++i) {
        means.row(slots[static_cast<std::size_t>(i)]) += points.row(i);
        counts(slots[static_cast<std::size_t>(i)]) += 1;
    }
    means.array().colwise() /= counts.array();
    const Eigen::RowVectorXd grand = points.colwise().mean();

    double within = 0, between = 0;
    for (Eigen::Index i = 0; i < points.rows(); ++i)
        within += (points.row(i) - means.row(slots[static_cast<std::size_t>(i)])).squaredNorm();
    for (Eigen::Index c = 0; c < k; ++c) between += counts(c) * (means.row(c) - grand).squaredNorm();
    return between > 0 ? within / between : std::numeric_limits<double>::infinity();
}

}  // namespace lskd::analysis
