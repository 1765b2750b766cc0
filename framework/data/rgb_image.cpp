#include "framework/data/rgb_image.hpp"

#include <cstring>

#include "framework/core/error.hpp"

namespace lskd::data {

void check_region(const PixelRegion& r, int width, int height, const std::filesystem::path& file) {
    const bool inside = r.width > 0 && r.height > 0 && r.x >= 0 && r.y >= 0 && r.x <= width - r.width &&
                        r.y <= height - r.height;
    if (!inside)
        fail("{}: the region {}x{} at ({}, {}) is not inside the {}x{} image", file.string(), r.width, r.height, r.x,
             r.y, width, height);
}

void copy_region(const RgbImage& in, const PixelRegion& r, RgbImage& out) {
    out.resize(r.width, r.height);
    for (int y = 0; y < r.height; ++y)
        std::memcpy(out.row(y), in.row(r.y + y) + static_cast<std::size_t>(r.x) * 3,
                    static_cast<std::size_t>(r.width) * 3);
}

}  // namespace lskd::data
