// Where the activations of three classes sit relative to their templates (docs/method.md §3, §6): mean distance
// to the own and to the other two templates, how equal the latter are, and within/between-class scatter.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

// Euclidean distances d_ik = ‖x_i − w_k‖ (not squared) for the examples i of one class.
struct ClassTemplateDistances {
    int cls = 0;
    std::int64_t count = 0;
    std::array<double, 3> mean{};    // mean_i d_ik for the templates of classes[0], classes[1], classes[2]
    std::array<double, 3> stddev{};  // population std over the class's examples
    double own = 0;                  // mean distance to the class's own template
    // The "equidistant from all incorrect templates" claim, for the two other templates with means m1, m2:
    double others_mean = 0;                 // (m1 + m2) / 2
    double others_std = 0;                  // |m1 − m2| / 2, the population std of {m1, m2}
    double others_relative_difference = 0;  // |m1 − m2| / ((m1 + m2) / 2)
    // mean_i |d_i1 − d_i2| / ((d_i1 + d_i2) / 2): per example, so opposite asymmetries do not cancel.
    double others_mean_relative_gap = 0;
};
struct TemplateDistances {
    std::vector<int> classes;
    std::array<ClassTemplateDistances, 3> per_class;  // in the order of `classes`
};

// Generic form: points N×m and the three templates as rows of a 3×m matrix, in any common space (full
// space, or plane coordinates with AffinePlane::vertices). Every label must be one of the 3 classes, each present.
TemplateDistances distances_to_templates(const Eigen::Ref<const Eigen::MatrixXd>& points,
                                         const Eigen::Ref<const Eigen::MatrixXd>& templates,
                                         std::span<const int> labels, const std::vector<int>& classes);

// The paper's sense: in the full (D+1)-dimensional space, between [x, 1] and w_k = [W_k, b_k].
TemplateDistances template_distances(const Eigen::Ref<const RowMatrixF>& activations, std::span<const int> labels,
                                     const Eigen::Ref<const RowMatrixF>& weight,
                                     const Eigen::Ref<const Eigen::VectorXf>& bias, const std::vector<int>& classes);

// tr(S_W) / tr(S_B) with S_W = Σ_c Σ_{i∈c} (p_i − µ_c)(p_i − µ_c)ᵀ and S_B = Σ_c n_c (µ_c − µ)(µ_c − µ)ᵀ, over
// points N×m whose labels are all in `classes` (at least 2 distinct classes, each present). Small means
// tight, well separated clusters. +inf when all class means coincide.
double scatter_ratio(const Eigen::Ref<const Eigen::MatrixXd>& points, std::span<const int> labels,
                     const std::vector<int>& classes);

}  // namespace lskd::analysis
