// PNG decoding with libpng: RGB u8 output from bytes in memory, as PIL's convert("RGB") gives it (palette
// expanded, grey replicated, alpha and tRNS dropped, interlaced files de-interlaced) except that 16-bit samples
// are scaled to 8 bits (v * 255 / 65535, rounded) where PIL clips or truncates. Any libpng error, a truncated
// file or a corrupt chunk is an lskd::Error naming the file; libpng's warnings are dropped.
// One PngDecoder per thread: it keeps the whole-image buffer a region decode needs between images.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "framework/data/rgb_image.hpp"

namespace lskd::data {

struct PngInfo {
    int width = 0;
    int height = 0;
    int orientation = 1;  // from an eXIf chunk before the image data; 1 without one
};

class PngDecoder {
public:
    PngInfo probe(std::span<const std::uint8_t> bytes, const std::filesystem::path& file);

    // Decodes `region` (full-size coordinates; none: the whole image) into `out`. Images with more than
    // max_pixels pixels are an error.
    PngInfo decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                   const std::optional<PixelRegion>& region, std::int64_t max_pixels, RgbImage& out);

private:
    std::vector<std::uint8_t> image_;  // the whole image, when only a region of it is returned
    std::vector<std::uint8_t*> rows_;
};

}  // namespace lskd::data
