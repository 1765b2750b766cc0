// Mutual information between example identity X and an augmented logit difference Y (docs/method.md §8, M App.
// A.2): Gaussian model p(y|x) = N(µ_x, σ²) with per-example mean over L views and pooled variance.
#pragma once
#include <cstdint>

#include <Eigen/Core>

#include "framework/tensor/eigen_view.hpp"

namespace lskd::analysis {

struct MutualInformation {
    double nats = 0;   // Î, raw: sampling noise can make it slightly negative
    double log_n = 0;  // upper bound log N
    double log_2 = 0;  // log 2, the value of two label clusters with no other structure
    std::int64_t examples = 0;
    int views = 0;                // L
    double sigma2 = 0;            // pooled variance used
    bool sigma2_floored = false;  // the measured σ² was below the floor (see mutual_information)
};

// views: N×L, f(d_l(z_x)) for L ≥ 2 augmentations of each of N ≥ 2 examples (gives µ_x); extra: N, one further
// independent draw y_x per example. σ² = (1/N)Σ_x (y_x − µ_x)² and
//   Î = (1/N)Σ_x [ −(y_x − µ_x)²/(2σ²) − log((1/N)Σ_{x'} exp(−(y_x − µ_{x'})²/(2σ²))) ].
// σ² = 0 (deterministic views) is a limit, not a value: σ² is floored at 1e-12 · Var_x(µ_x), where Î tends to
// the mean log of N / (examples sharing y_x's mean); if the µ_x coincide as well, Î = 0 exactly.
MutualInformation mutual_information(const Eigen::Ref<const Eigen::MatrixXd>& views,
                                     const Eigen::Ref<const Eigen::VectorXd>& extra);

// f = z_i − z_j for each row of logits (N×K): the logit difference of the two classes whose examples are used.
Eigen::VectorXd logit_difference(const Eigen::Ref<const RowMatrixF>& logits, int class_i, int class_j);

}  // namespace lskd::analysis
