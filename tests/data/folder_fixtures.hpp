// Image folders generated at test time (torchvision's ImageFolder layout) with the libjpeg/libpng fixtures: classes a
// small model tells apart by colour, images of several sizes, PNGs and JPEGs mixed.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lskd::data::testing {

struct FolderFixture {
    std::vector<std::string> classes{"cat", "dog", "tench"};
    int per_class = 6;
    int width = 40;  // every other image is transposed (height x width), so the short side changes
    int height = 30;
    std::uint64_t seed = 1;
};

// Writes `root`/<class>/<class>_<i>.{png,jpg}; image i of class k is a noisy gradient tinted with class k's colour,
// a JPEG when i % 3 == 2 and a PNG otherwise. Returns the files written, in torchvision's order.
std::vector<std::filesystem::path> write_image_tree(const std::filesystem::path& root, const FolderFixture& f);

}  // namespace lskd::data::testing
