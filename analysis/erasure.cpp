#include "analysis/erasure.hpp"

#include "analysis/input_checks.hpp"
#include "analysis/softmax.hpp"
#include "framework/core/error.hpp"

namespace lskd::analysis {

namespace {

// Two passes (class means, then squared deviations) in double.
IntraClassVariance intra_class_variance_of(const Eigen::Ref<const RowMatrixD>& rows, std::span<const int> labels,
                                           int num_classes) {
    RowMatrixD means = RowMatrixD::Zero(num_classes, rows.cols());
    std::vector<std::int64_t> counts(static_cast<std::size_t>(num_classes), 0);
    for (Eigen::Index i = 0; i < rows.rows(); ++i) {
        const int c = labels[static_cast<std::size_t>(i)];
        means.row(c) += rows.row(i);
        ++counts[static_cast<std::size_t>(c)];
    }
    std::vector<double> sq(static_cast<std::size_t>(num_classes), 0.0);
    for (int c = 0; c < num_classes; ++c)
        if (counts[static_cast<std::size_t>(c)] > 0)
            means.row(c) /= static_cast<double>(counts[static_cast<std::size_t>(c)]);
    for (Eigen::Index i = 0; i < rows.rows(); ++i) {
        const int c = labels[static_cast<std::size_t>(i)];
        sq[static_cast<std::size_t>(c)] += (rows.row(i) - means.row(c)).squaredNorm();
    }
    IntraClassVariance out;
    double total = 0;
    for (int c = 0; c < num_classes; ++c) {
        const auto n = counts[static_cast<std::size_t>(c)];
        if (n == 0) continue;
        const double v = sq[static_cast<std::size_t>(c)] / static_cast<double>(n);
        out.per_class.push_back({c, n, v});
        total += v;
    }
    out.classes_used = static_cast<int>(out.per_class.size());
    out.value = total / out.classes_used;
    return out;
}

}  // namespace

IntraClassVariance intra_class_variance(const Eigen::Ref<const RowMatrixF>& rows, std::span<const int> labels,
                                        int num_classes) {
    if (rows.rows() == 0 || rows.cols() == 0)
        fail("intra_class_variance: empty input ({}×{})", rows.rows(), rows.cols());
    if (num_classes < 1) fail("intra_class_variance: need at least 1 class, got {}", num_classes);
    check_finite(rows, "intra_class_variance");
    check_labels(labels, rows.rows(), num_classes, "intra_class_variance");
    return intra_class_variance_of(rows.cast<double>(), labels, num_classes);
}

IntraClassVariance softmax_intra_class_variance(const Eigen::Ref<const RowMatrixF>& logits,
                                                std::span<const int> labels) {
    check_logits(logits, "softmax_intra_class_variance");
    check_labels(labels, logits.rows(), logits.cols(), "softmax_intra_class_variance");
    return intra_class_variance_of(softmax(logits), labels, static_cast<int>(logits.cols()));
}

}  // namespace lskd::analysis
