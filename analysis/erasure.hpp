// Information erasure as intra-class spread (Shen et al. eq. 2; docs/method.md §11.1): 1 − S = (1/K)Σ_c (1/n_c)
// Σ_{i∈c} ‖p_i − p̄_c‖², for softmax vectors or for any per-example features (e.g. penultimate activations).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

struct ClassVariance {
    int cls = 0;
    std::int64_t count = 0;
    double variance = 0;  // (1/n_c) Σ_{i∈c} ‖v_i − v̄_c‖²
};
struct IntraClassVariance {
    double value = 0;      // mean of the per-class variances over the classes used (= 1 − S for softmax rows)
    int classes_used = 0;  // classes with at least one example; the others are skipped, not counted as 0
    std::vector<ClassVariance> per_class;  // the classes used, in increasing class order
};

// Rows N×D of any per-example vectors; labels in [0, num_classes).
IntraClassVariance intra_class_variance(const Eigen::Ref<const RowMatrixF>& rows, std::span<const int> labels,
                                        int num_classes);

// Shen's 1 − S: intra-class variance of softmax(z) (T = 1) over logits N×K, K = logits.cols().
IntraClassVariance softmax_intra_class_variance(const Eigen::Ref<const RowMatrixF>& logits,
                                                std::span<const int> labels);

}  // namespace lskd::analysis
