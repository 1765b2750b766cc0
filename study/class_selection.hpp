// The study's default class triples for the template-plane projection; classes are resolved by
// distill::resolve_classes (distill/class_selection.hpp).
#pragma once
#include <string>
#include <vector>

namespace lskd::study {

// The template-plane triple (docs/method.md §6): Fashion-MNIST T-shirt/top, Shirt, Pullover (a similar pair plus a
// third; Trouser, Bag, Sneaker is the dissimilar one); CIFAR-10 airplane, automobile, bird (M's); CIFAR-100
// beaver, dolphin, otter (M's, by index); else 0, 1, 2.
std::string default_projection_classes(const std::string& dataset);

// The triples the study projects, one template-plane figure each (M's Figure 1, docs/method.md §6): Fashion-MNIST
// three dissimilar classes (Trouser, Bag, Sneaker), then two similar ones with one apart (Shirt, T-shirt/top,
// Trouser); an image folder whose classes include ImageNet's WordNet ids n02113624, n02113712 and n01440764 (toy
// poodle, miniature poodle, tench: M's Figure 1 similar-pair triple) also that triple; elsewhere only
// default_projection_classes(dataset).
std::vector<std::string> figure1_triples(const std::string& dataset, const std::vector<std::string>& class_names = {});

}  // namespace lskd::study
