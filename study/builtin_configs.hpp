// The sweep configs shipped in configs/, compiled into the binary so `lskd study` needs no file.
#pragma once
#include <string_view>

namespace lskd::study {

std::string_view builtin_quick_config();
std::string_view builtin_paper_config();
std::string_view builtin_mnist_paper_config();
// configs/references.yaml: the paper's published numbers (study/references.hpp).
std::string_view builtin_references();

}  // namespace lskd::study
