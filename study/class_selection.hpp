// Classes chosen on the command line for the projection (three) and the MI estimate (two): by name, matched
// case-insensitively against the run's class names, or by index; and each data set's default choice.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace lskd::study {

// "a,b,c" → class indices, in the order given. Each item is a class name or an index in [0, K). Throws
// lskd::Error for an unknown class, a repeated one, or a count other than `count`.
std::vector<int> resolve_classes(const std::string& text, const std::vector<std::string>& class_names,
                                 std::size_t count);

// The template-plane triple (docs/method.md §6): Fashion-MNIST T-shirt/top, Shirt, Pullover (a similar pair plus a
// third; Trouser, Bag, Sneaker is the dissimilar one); CIFAR-10 airplane, automobile, bird (M's); CIFAR-100
// beaver, dolphin, otter (M's, by index); else 0, 1, 2.
std::string default_projection_classes(const std::string& dataset);

// The triples the study projects, one template-plane figure each (M's Figure 1, docs/method.md §6): Fashion-MNIST
// three dissimilar classes (Trouser, Bag, Sneaker), then two similar ones with one apart (Shirt, T-shirt/top,
// Trouser); elsewhere only default_projection_classes(dataset).
std::vector<std::string> figure1_triples(const std::string& dataset);

// The MI pair (docs/method.md §9.3): two dissimilar classes. Fashion-MNIST Trouser, Bag; CIFAR-10 airplane, dog
// (M's); else 0, 1.
std::string default_mi_classes(const std::string& dataset);

}  // namespace lskd::study
