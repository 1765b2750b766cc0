#include "analysis/mutual_information.hpp"

#include <cmath>
#include <numbers>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "analysis/input_checks.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

namespace {

// Floor of σ² relative to the spread of the means (see the header).
constexpr double kSigma2Floor = 1e-12;

}  // namespace

MutualInformation mutual_information(const Eigen::Ref<const Eigen::MatrixXd>& views,
                                     const Eigen::Ref<const Eigen::VectorXd>& extra) {
    const Eigen::Index n = views.rows();
    if (n < 2) fail("mutual_information: need at least 2 examples, got {}", n);
    if (views.cols() < 2) fail("mutual_information: need at least 2 views per example (L ≥ 2), got {}", views.cols());
    if (extra.size() != n) fail("mutual_information: {} extra draws for {} examples", extra.size(), n);
    check_finite(views, "mutual_information: views");
    check_finite(extra, "mutual_information: extra draws");

    MutualInformation out;
    out.examples = n;
    out.views = static_cast<int>(views.cols());
    out.log_n = std::log(static_cast<double>(n));
    out.log_2 = std::numbers::ln2;

    const Eigen::VectorXd mu = views.rowwise().mean();
    const auto& y = extra;
    double sigma2 = 0;
    for (Eigen::Index x = 0; x < n; ++x) sigma2 += (y(x) - mu(x)) * (y(x) - mu(x));
    sigma2 /= static_cast<double>(n);
    const double mu_mean = mu.mean();
    double mu_var = 0;
    for (Eigen::Index x = 0; x < n; ++x) mu_var += (mu(x) - mu_mean) * (mu(x) - mu_mean);
    mu_var /= static_cast<double>(n);
    if (sigma2 == 0 && mu_var == 0) {
        // All means coincide and every extra draw equals them: Y says nothing about X.
        out.nats = 0;
        out.sigma2 = 0;
        out.sigma2_floored = true;
        return out;
    }
    if (sigma2 < kSigma2Floor * mu_var) {
        sigma2 = kSigma2Floor * mu_var;
        out.sigma2_floored = true;
    }
    out.sigma2 = sigma2;

    // Per-example terms in parallel (O(N²) log-sum-exp), summed in order for thread-count independence.
    const double inv_two_sigma2 = 1.0 / (2.0 * sigma2);
    std::vector<double> terms(static_cast<std::size_t>(n));
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, n, 16), [&](const auto& range) {
        Eigen::ArrayXd a(n);
        for (Eigen::Index x = range.begin(); x < range.end(); ++x) {
            a = -(y(x) - mu.array()).square() * inv_two_sigma2;
            const double amax = a.maxCoeff();
            const double log_mean = amax + std::log((a - amax).exp().sum()) - out.log_n;
            terms[static_cast<std::size_t>(x)] = a(x) - log_mean;
        }
    });
    double sum = 0;
    for (double t : terms) sum += t;
    out.nats = sum / static_cast<double>(n);
    return out;
}

Eigen::VectorXd logit_difference(const Eigen::Ref<const RowMatrixF>& logits, int class_i, int class_j) {
    if (logits.rows() == 0) fail("logit_difference: no examples");
    for (int c : {class_i, class_j})
        if (c < 0 || c >= logits.cols()) fail("logit_difference: class {} is outside [0, {})", c, logits.cols());
    check_finite(logits, "logit_difference");
    return (logits.col(class_i).cast<double>() - logits.col(class_j).cast<double>());
}

}  // namespace lskd::analysis
