// ImageSet: a set of u8 images stored NHWC [N,H,W,C] contiguous, with int32 labels and each example's index
// in its original file, so any subset can still name the examples it holds.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lskd::data {

struct ImageSet {
    std::int64_t height = 0;
    std::int64_t width = 0;
    std::int64_t channels = 0;
    std::vector<std::uint8_t> pixels;          // N * height * width * channels, NHWC
    std::vector<std::int32_t> labels;          // N
    std::vector<std::int64_t> original_index;  // N, position in the file(s) the example was read from

    std::size_t size() const { return labels.size(); }
    std::size_t image_bytes() const { return static_cast<std::size_t>(height * width * channels); }
    std::span<const std::uint8_t> image(std::size_t position) const {
        return {pixels.data() + position * image_bytes(), image_bytes()};
    }
};

// The examples at `positions` of `set`, in that order.
ImageSet take(const ImageSet& set, std::span<const std::size_t> positions);

// Per-class example counts; labels must lie in [0, num_classes).
std::vector<std::size_t> class_counts(std::span<const std::int32_t> labels, int num_classes);

}  // namespace lskd::data
