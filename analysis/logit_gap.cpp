#include "analysis/logit_gap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "analysis/input_checks.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

LogitGapStats logit_gap_stats(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels) {
    check_logits(logits, "logit_gap_stats");
    check_labels(labels, logits.rows(), logits.cols(), "logit_gap_stats");
    const Eigen::Index n = logits.rows(), k = logits.cols();

    // Per example: sum of gaps, min, max and the within-example std; all reduced in order afterwards.
    struct Row {
        double sum = 0, min = 0, max = 0, within = 0;
    };
    std::vector<Row> rows(static_cast<std::size_t>(n));
    auto gaps_of = [&](Eigen::Index i) {
        const int y = labels[static_cast<std::size_t>(i)];
        Eigen::ArrayXd g(k - 1);
        for (Eigen::Index j = 0, w = 0; j < k; ++j)
            if (j != y) g(w++) = static_cast<double>(logits(i, y)) - logits(i, j);
        return g;
    };
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, n, 256), [&](const auto& range) {
        for (Eigen::Index i = range.begin(); i < range.end(); ++i) {
            const Eigen::ArrayXd g = gaps_of(i);
            Row& r = rows[static_cast<std::size_t>(i)];
            r.sum = g.sum();
            r.min = g.minCoeff();
            r.max = g.maxCoeff();
            r.within = std::sqrt((g - g.mean()).square().mean());
        }
    });
    LogitGapStats out;
    out.examples = n;
    out.pairs = n * (k - 1);
    out.min = std::numeric_limits<double>::infinity();
    out.max = -std::numeric_limits<double>::infinity();
    double sum = 0, within = 0;
    for (const Row& r : rows) {
        sum += r.sum;
        within += r.within;
        out.min = std::min(out.min, r.min);
        out.max = std::max(out.max, r.max);
    }
    out.mean = sum / static_cast<double>(out.pairs);
    out.mean_within_example_stddev = within / static_cast<double>(n);
    // Second pass about the global mean, per row then in order, for an accurate variance.
    std::vector<double> sq(static_cast<std::size_t>(n));
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, n, 256), [&](const auto& range) {
        for (Eigen::Index i = range.begin(); i < range.end(); ++i)
            sq[static_cast<std::size_t>(i)] = (gaps_of(i) - out.mean).square().sum();
    });
    double total_sq = 0;
    for (double s : sq) total_sq += s;
    out.stddev = std::sqrt(total_sq / static_cast<double>(out.pairs));
    return out;
}

double optimal_logit_gap(double alpha, int num_classes, SmoothingForm form) {
    if (!(alpha >= 0.0 && alpha <= 1.0)) fail("optimal_logit_gap: alpha must be in [0, 1], got {}", alpha);
    if (num_classes < 2) fail("optimal_logit_gap: need at least 2 classes, got {}", num_classes);
    if (alpha == 0.0) return std::numeric_limits<double>::infinity();
    const double k = num_classes;
    switch (form) {
        case SmoothingForm::muller: return std::log1p(k * (1.0 - alpha) / alpha);
        case SmoothingForm::shen: return std::log((1.0 - alpha) * (k - 1.0) / alpha);
    }
    fail("optimal_logit_gap: unknown smoothing form");
}

}  // namespace lskd::analysis
