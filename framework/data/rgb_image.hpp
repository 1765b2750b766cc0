// RgbImage: 8-bit RGB pixels, rows top to bottom, channels interleaved (HWC), in a buffer that decoders reuse
// (resizing within its capacity does not allocate); RgbView, a crop of one without copying. PixelRegion and
// Placement say which pixels of a file a decoder produced.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
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

struct PixelRegion {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

// Where decoded pixels sit in the full-size image: decoded pixel (i, j) covers the full-size pixels
// [x0 + i*scale, x0 + (i+1)*scale) x [y0 + j*scale, y0 + (j+1)*scale). x0 and y0 may lie up to scale - 1 before
// 0 when an EXIF flip puts the partial last DCT block of a scaled JPEG first.
struct Placement {
    int scale = 1;
    int x0 = 0;
    int y0 = 0;
};

struct RgbImage {
    std::int64_t width = 0;
    std::int64_t height = 0;
    std::vector<std::uint8_t> pixels;  // height * width * 3

    void resize(std::int64_t w, std::int64_t h) {
        width = w;
        height = h;
        pixels.resize(static_cast<std::size_t>(w * h * 3));
    }
    std::uint8_t* row(std::int64_t y) { return pixels.data() + static_cast<std::size_t>(y * width * 3); }
    const std::uint8_t* row(std::int64_t y) const { return pixels.data() + static_cast<std::size_t>(y * width * 3); }
    RgbView view() const { return {pixels.data(), width, height, width * 3}; }
};

// Throws lskd::Error naming `file` unless `region` is a non-empty rectangle inside a width x height image.
void check_region(const PixelRegion& region, int width, int height, const std::filesystem::path& file);

// `out` = the pixels of `in` inside `region` (which must lie inside `in`).
void copy_region(const RgbImage& in, const PixelRegion& region, RgbImage& out);

}  // namespace lskd::data
