#include "analysis/equivalent_smoothing.hpp"

#include "analysis/input_checks.hpp"
#include "analysis/softmax.hpp"

namespace lskd::analysis {

double equivalent_smoothing(const Eigen::Ref<const RowMatrixF>& logits, std::span<const int> labels, double temperature,
                            SmoothingForm form) {
    check_logits(logits, "equivalent_smoothing");
    check_labels(labels, logits.rows(), logits.cols(), "equivalent_smoothing");
    const RowMatrixD p = softmax(logits, temperature);
    // Wrong-class mass as 1 − p_label would lose digits when p_label ≈ 1; summing the wrong entries does not.
    double mass = 0;
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
        const int y = labels[static_cast<std::size_t>(i)];
        mass += p.row(i).head(y).sum() + p.row(i).tail(p.cols() - y - 1).sum();
    }
    mass /= static_cast<double>(p.rows());
    const double k = static_cast<double>(p.cols());
    return form == SmoothingForm::muller ? mass * k / (k - 1.0) : mass;
}

}  // namespace lskd::analysis
