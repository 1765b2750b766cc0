// The sweep configs shipped in configs/, compiled into the binary so `lskd study` needs no file.
#pragma once
#include <string_view>

namespace lskd::study {

std::string_view builtin_quick_config();
std::string_view builtin_paper_config();
std::string_view builtin_mnist_paper_config();
// Image folders (docs/data.md): the quick protocol on any folder at 32 px, and the paper's ImageNet protocol.
std::string_view builtin_folder_config();
std::string_view builtin_imagenet_config();
// The sequence studies (docs/method.md §15): G2P on a few thousand CMU words, translation of UI messages, and G2P on
// the whole dictionary.
std::string_view builtin_g2p_config();
std::string_view builtin_translation_config();
std::string_view builtin_g2p_full_config();
std::string_view builtin_erasure_config();
// configs/references.yaml: the paper's published numbers (study/references.hpp).
std::string_view builtin_references();

}  // namespace lskd::study
