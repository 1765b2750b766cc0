// RgbImage: 8-bit RGB pixels, rows top to bottom, channels interleaved (HWC), in a buffer that decoders reuse
// (resizing within its capacity does not allocate). PixelRegion and Placement say which pixels were decoded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace lskd::data {

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
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    void resize(int w, int h) {
        width = w;
        height = h;
        pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    }
    std::uint8_t* row(int y) {
        return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3;
    }
    const std::uint8_t* row(int y) const {
        return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(width) * 3;
    }
};

// Throws lskd::Error naming `file` unless `region` is a non-empty rectangle inside a width x height image.
void check_region(const PixelRegion& region, int width, int height, const std::filesystem::path& file);

// `out` = the pixels of `in` inside `region` (which must lie inside `in`).
void copy_region(const RgbImage& in, const PixelRegion& region, RgbImage& out);

}  // namespace lskd::data
