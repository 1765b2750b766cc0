#include "analysis/calibration.hpp"

#include <algorithm>
#include <cmath>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "analysis/input_checks.hpp"
#include "analysis/softmax.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

namespace {

// The bin m (0-based) with edge(m) < c ≤ edge(m+1), edge(m) = m/M in double. Starting from ceil(c·M) − 1
// and correcting against the edges themselves keeps boundary values (c = 1/3, M = 3) in the bin the
// definition names even where c·M rounds the other way.
int bin_of(double c, int m_bins) {
    auto edge = [m_bins](int m) { return static_cast<double>(m) / m_bins; };
    int m = static_cast<int>(std::ceil(c * m_bins)) - 1;
    m = std::clamp(m, 0, m_bins - 1);
    while (m > 0 && c <= edge(m)) --m;
    while (m < m_bins - 1 && c > edge(m + 1)) ++m;
    return m;
}

}  // namespace

Predictions predict(const Eigen::Ref<const RowMatrixF>& logits, double temperature) {
    check_logits(logits, "predict");
    const RowMatrixD p = softmax(logits, temperature);
    Predictions out;
    out.confidence.resize(static_cast<std::size_t>(p.rows()));
    out.prediction.resize(static_cast<std::size_t>(p.rows()));
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
        Eigen::Index k = 0;
        out.confidence[static_cast<std::size_t>(i)] = p.row(i).maxCoeff(&k);  // first maximum on ties
        out.prediction[static_cast<std::size_t>(i)] = static_cast<int>(k);
    }
    return out;
}

ReliabilityDiagram reliability_diagram(std::span<const double> confidence, const std::vector<bool>& correct, int bins) {
    if (bins < 1) fail("reliability_diagram: need at least 1 bin, got {}", bins);
    if (confidence.empty()) fail("reliability_diagram: no examples");
    if (confidence.size() != correct.size())
        fail("reliability_diagram: {} confidences but {} correctness flags", confidence.size(), correct.size());
    std::vector<double> hits(static_cast<std::size_t>(bins), 0.0), conf_sum(static_cast<std::size_t>(bins), 0.0);
    ReliabilityDiagram out;
    out.bins.resize(static_cast<std::size_t>(bins));
    for (std::size_t i = 0; i < confidence.size(); ++i) {
        const double c = confidence[i];
        if (!(c >= 0.0 && c <= 1.0)) fail("reliability_diagram: confidence {} of example {} is outside [0, 1]", c, i);
        const auto m = static_cast<std::size_t>(bin_of(c, bins));
        ++out.bins[m].count;
        hits[m] += correct[i] ? 1.0 : 0.0;
        conf_sum[m] += c;
    }
    out.examples = static_cast<std::int64_t>(confidence.size());
    const double n = static_cast<double>(out.examples);
    for (std::size_t m = 0; m < out.bins.size(); ++m) {
        ReliabilityBin& b = out.bins[m];
        b.lower = static_cast<double>(m) / bins;
        b.upper = static_cast<double>(m + 1) / bins;
        if (b.count == 0) continue;
        const double count = static_cast<double>(b.count);
        b.accuracy = hits[m] / count;
        b.confidence = conf_sum[m] / count;
        out.ece += count / n * std::abs(b.accuracy - b.confidence);
    }
    return out;
}

double mean_nll(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels, double temperature) {
    check_logits(logits, "mean_nll");
    check_labels(labels, logits.rows(), logits.cols(), "mean_nll");
    // Per-row terms in parallel, summed in order: the result does not depend on the thread count.
    std::vector<double> terms(static_cast<std::size_t>(logits.rows()));
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, logits.rows(), 256), [&](const auto& range) {
        for (Eigen::Index i = range.begin(); i < range.end(); ++i) {
            const auto u = static_cast<std::size_t>(i);
            terms[u] = log_sum_exp(logits.row(i), temperature) - logits(i, labels[u]) / temperature;
        }
    });
    double sum = 0;
    for (double t : terms) sum += t;
    return sum / static_cast<double>(terms.size());
}

CalibrationReport calibration(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels,
                              double temperature, int bins) {
    check_logits(logits, "calibration");
    check_labels(labels, logits.rows(), logits.cols(), "calibration");
    const Predictions pred = predict(logits, temperature);
    const auto n = pred.prediction.size();
    std::vector<bool> correct(n);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < n; ++i) {
        correct[i] = pred.prediction[i] == labels[i];
        hits += correct[i] ? 1 : 0;
    }
    CalibrationReport out;
    out.temperature = temperature;
    out.reliability = reliability_diagram(pred.confidence, correct, bins);
    out.ece = out.reliability.ece;
    out.nll = mean_nll(logits, labels, temperature);
    out.accuracy = static_cast<double>(hits) / static_cast<double>(n);
    return out;
}

}  // namespace lskd::analysis
