#include "analysis/softmax.hpp"

#include <cmath>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "framework/core/error.hpp"

namespace lskd::analysis {

namespace {

void check_temperature(double temperature) {
    if (!(temperature > 0.0) || !std::isfinite(temperature))
        fail("softmax: temperature must be positive and finite, got {}", temperature);
}

}  // namespace

RowMatrixD softmax(const Eigen::Ref<const RowMatrixF>& logits, double temperature) {
    check_temperature(temperature);
    RowMatrixD p = logits.cast<double>() / temperature;
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, p.rows(), 256), [&](const auto& range) {
        for (Eigen::Index i = range.begin(); i < range.end(); ++i) {
            auto row = p.row(i);
            row = (row.array() - row.maxCoeff()).exp();
            row /= row.sum();
        }
    });
    return p;
}

double log_sum_exp(const Eigen::Ref<const Eigen::RowVectorXf>& row, double temperature) {
    check_temperature(temperature);
    const Eigen::RowVectorXd z = row.cast<double>() / temperature;
    const double m = z.maxCoeff();
    return m + std::log((z.array() - m).exp().sum());
}

}  // namespace lskd::analysis
