// Synthetic classifier logits with a known NLL-optimal temperature, for the temperature-scaling tests.
#pragma once
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "framework/core/random.hpp"
#include "framework/tensor/eigen_view.hpp"

namespace lskd::testing {

// True logits u ~ N(0, spread²) per entry, label ~ softmax(u), observed logits z = T0 · u: the model whose
// NLL-optimal temperature is T0 (temperature scaling recovers softmax(z / T0) = softmax(u)).
struct Synthetic {
    RowMatrixF logits;
    std::vector<int> labels;
};
inline Synthetic synthetic(std::uint64_t seed, Eigen::Index n, Eigen::Index k, double spread, double t0) {
    Rng rng(seed);
    Synthetic s{RowMatrixF(n, k), std::vector<int>(static_cast<std::size_t>(n))};
    Eigen::VectorXd u(k);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < k; ++j) u(j) = spread * rng.normal();
        const Eigen::VectorXd p = (u.array() - u.maxCoeff()).exp();
        double draw = rng.uniform() * p.sum(), acc = 0;
        int label = static_cast<int>(k) - 1;
        for (Eigen::Index j = 0; j < k; ++j) {
            acc += p(j);
            if (draw < acc) {
                label = static_cast<int>(j);
                break;
            }
        }
        s.labels[static_cast<std::size_t>(i)] = label;
        s.logits.row(i) = (t0 * u).cast<float>().transpose();
    }
    return s;
}

}  // namespace lskd::testing
