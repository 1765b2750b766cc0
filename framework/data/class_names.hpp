// The class names of each data set, in label order.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace lskd::data {

std::vector<std::string> fashion_mnist_class_names();
std::vector<std::string> cifar10_class_names();
// "0", "1", ... for sets whose classes have no names (digits, generic IDX, CIFAR-100 without its meta file).
std::vector<std::string> numbered_class_names(int num_classes);
// One name a line, as in CIFAR-100's fine_label_names.txt; there must be exactly `num_classes` names.
std::vector<std::string> read_class_names(const std::filesystem::path& file, int num_classes);

}  // namespace lskd::data
