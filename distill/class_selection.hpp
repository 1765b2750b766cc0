// Classes chosen by the user, for the MI estimate (two) and the projection (three): by name, matched
// case-insensitively against the run's class names, or by index; and each data set's default MI pair.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace lskd::distill {

// "a,b,c" → class indices, in the order given. Each item is a class name or an index in [0, K). Throws
// lskd::Error for an unknown class, a repeated one, or a count other than `count`.
std::vector<int> resolve_classes(const std::string& text, const std::vector<std::string>& class_names,
                                 std::size_t count);

// The MI pair (docs/method.md §9.3): two dissimilar classes. Fashion-MNIST Trouser, Bag; CIFAR-10 airplane, dog
// (M's); else 0, 1.
std::string default_mi_classes(const std::string& dataset);

}  // namespace lskd::distill
