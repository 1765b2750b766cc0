#include "analysis/input_checks.hpp"

#include <algorithm>

#include <fmt/ranges.h>

namespace lskd::analysis {

void check_logits(const Eigen::Ref<const RowMatrixF>& logits, std::string_view what) {
    if (logits.rows() == 0) fail("{}: no examples (logits have 0 rows)", what);
    if (logits.cols() < 2) fail("{}: need at least 2 classes, logits have {} columns", what, logits.cols());
    check_finite(logits, what);
}

void check_labels(std::span<const int> labels, Eigen::Index rows, Eigen::Index num_classes, std::string_view what) {
    if (static_cast<Eigen::Index>(labels.size()) != rows) fail("{}: {} labels for {} rows", what, labels.size(), rows);
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < 0 || labels[i] >= num_classes)
            fail("{}: label {} of example {} is outside [0, {})", what, labels[i], i, num_classes);
}

void check_class_triple(const std::vector<int>& classes, Eigen::Index num_classes, std::string_view what) {
    if (classes.size() != 3) fail("{}: need exactly 3 classes, got {}", what, classes.size());
    for (int c : classes)
        if (c < 0 || c >= num_classes) fail("{}: class {} is outside [0, {})", what, c, num_classes);
    if (classes[0] == classes[1] || classes[0] == classes[2] || classes[1] == classes[2])
        fail("{}: classes must be distinct, got [{}]", what, fmt::join(classes, ", "));
}

std::vector<int> class_slots(std::span<const int> labels, const std::vector<int>& classes, std::string_view what) {
    std::vector<int> slots(labels.size());
    std::vector<std::size_t> counts(classes.size(), 0);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto it = std::find(classes.begin(), classes.end(), labels[i]);
        if (it == classes.end())
            fail("{}: label {} of example {} is not one of the classes [{}]", what, labels[i], i,
                 fmt::join(classes, ", "));
        slots[i] = static_cast<int>(it - classes.begin());
        ++counts[static_cast<std::size_t>(slots[i])];
    }
    for (std::size_t s = 0; s < classes.size(); ++s)
        if (counts[s] == 0) fail("{}: class {} has no examples", what, classes[s]);
    return slots;
}

}  // namespace lskd::analysis
