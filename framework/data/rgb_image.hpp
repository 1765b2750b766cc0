// A decoded RGB image in memory: u8, three interleaved channels (HWC), rows `stride` bytes apart, so a view can
// be a crop of a larger image without copying.
#pragma once
#include <cstdint>
#include <vector>

namespace lskd::data {

// Sides beyond this are refused (as errors), so that products of sides stay exact in double and int64.
constexpr std::int64_t kMaxSide = std::int64_t{1} << 20;

struct ImageSize {
    std::int64_t width = 0;
    std::int64_t height = 0;
    bool operator==(const ImageSize&) const = default;
};

struct RgbView {
    const std::uint8_t* pixels = nullptr;
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::int64_t stride = 0;  // bytes from one row to the next, at least 3 * width

    const std::uint8_t* row(std::int64_t y) const { return pixels + y * stride; }
    // The rectangle at (left, top), which the caller keeps inside the image.
    RgbView crop(std::int64_t left, std::int64_t top, std::int64_t crop_width, std::int64_t crop_height) const {
        return {pixels + top * stride + left * 3, crop_width, crop_height, stride};
    }
};

struct RgbImage {
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::vector<std::uint8_t> pixels;  // height * width * 3

    RgbView view() const { return {pixels.data(), width, height, width * 3}; }
};

}  // namespace lskd::data
