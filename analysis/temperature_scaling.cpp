#include "analysis/temperature_scaling.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "analysis/input_checks.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

namespace {

// NLL and its first two derivatives in β = 1/T.
struct NllAtBeta {
    double value = 0;
    double slope = 0;      // mean_i (E_p[z_i] − z_i,label)
    double curvature = 0;  // mean_i Var_p[z_i] ≥ 0
};

NllAtBeta nll_at_beta(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels, double beta) {
    const Eigen::Index n = logits.rows();
    // Per-row terms in parallel, summed in order afterwards so the result is independent of thread count.
    std::vector<NllAtBeta> rows(static_cast<std::size_t>(n));
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, n, 256), [&](const auto& range) {
        Eigen::RowVectorXd z, p;
        for (Eigen::Index i = range.begin(); i < range.end(); ++i) {
            z = logits.row(i).cast<double>();
            const double zmax = z.maxCoeff();
            p = (beta * (z.array() - zmax)).exp();
            const double s = p.sum();
            p /= s;
            const double mean = p.dot(z);
            const double label_z = z(labels[static_cast<std::size_t>(i)]);
            NllAtBeta& r = rows[static_cast<std::size_t>(i)];
            r.value = beta * zmax + std::log(s) - beta * label_z;
            r.slope = mean - label_z;
            r.curvature = p.dot((z.array() - mean).square().matrix());
        }
    });
    NllAtBeta total;
    for (const NllAtBeta& r : rows) {
        total.value += r.value;
        total.slope += r.slope;
        total.curvature += r.curvature;
    }
    const double inv_n = 1.0 / static_cast<double>(n);
    total.value *= inv_n;
    total.slope *= inv_n;
    total.curvature *= inv_n;
    return total;
}

}  // namespace

TemperatureFit fit_temperature(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels,
                               TemperatureBounds bounds) {
    check_logits(logits, "fit_temperature");
    check_labels(labels, logits.rows(), logits.cols(), "fit_temperature");
    if (!(bounds.min > 0.0 && bounds.min < bounds.max && std::isfinite(bounds.max)))
        fail("fit_temperature: bounds must satisfy 0 < min < max < inf, got [{}, {}]", bounds.min, bounds.max);
    bool any_varying_row = false;
    for (Eigen::Index i = 0; i < logits.rows() && !any_varying_row; ++i)
        any_varying_row = logits.row(i).maxCoeff() > logits.row(i).minCoeff();
    if (!any_varying_row) fail("fit_temperature: every row of logits is constant, so the NLL does not depend on T");

    TemperatureFit fit;
    fit.nll_before = nll_at_beta(logits, labels, 1.0).value;
    double lo = 1.0 / bounds.max, hi = 1.0 / bounds.min;
    double beta = 0;
    // The slope in β is non-decreasing (convexity): its signs at the ends decide whether the optimum is inside.
    if (nll_at_beta(logits, labels, lo).slope >= 0) {
        beta = lo;
        fit.at_bound = true;
    } else if (nll_at_beta(logits, labels, hi).slope <= 0) {
        beta = hi;
        fit.at_bound = true;
    } else {
        // Invariant: slope(lo) < 0 < slope(hi). Newton steps that leave the bracket, or have no curvature
        // (softmax saturated to one class), fall back to bisection.
        beta = std::clamp(1.0, lo, hi);
        constexpr double kTolerance = 1e-12;
        constexpr int kMaxIterations = 200;
        for (fit.iterations = 1; fit.iterations <= kMaxIterations; ++fit.iterations) {
            const NllAtBeta f = nll_at_beta(logits, labels, beta);
            if (f.slope == 0) break;
            (f.slope < 0 ? lo : hi) = beta;
            double next = 0.5 * (lo + hi);
            if (f.curvature > 0) {
                const double newton = beta - f.slope / f.curvature;
                if (newton > lo && newton < hi) next = newton;
            }
            const double step = std::abs(next - beta);
            beta = next;
            if (step <= kTolerance * beta || hi - lo <= kTolerance * beta) break;
        }
    }
    fit.temperature = 1.0 / beta;
    fit.nll_after = nll_at_beta(logits, labels, beta).value;
    return fit;
}

TemperatureScaling temperature_scaling(const Eigen::Ref<const RowMatrixF>& fit_logits, std::span<const int> fit_labels,
                                       const Eigen::Ref<const RowMatrixF>& eval_logits,
                                       std::span<const int> eval_labels, int bins, TemperatureBounds bounds) {
    if (fit_logits.cols() != eval_logits.cols())
        fail("temperature_scaling: fitting logits have {} classes, evaluation logits {}", fit_logits.cols(),
             eval_logits.cols());
    TemperatureScaling out;
    out.fit = fit_temperature(fit_logits, fit_labels, bounds);
    out.before = calibration(eval_logits, eval_labels, 1.0, bins);
    out.after = calibration(eval_logits, eval_labels, out.fit.temperature, bins);
    return out;
}

}  // namespace lskd::analysis
