// JPEG decoding with libjpeg-turbo's libjpeg API: RGB u8 output from bytes in memory, at the coarsest DCT scale
// (1/8, 1/4, 1/2, 1) that still gives the caller the pixels it needs, and of only the region it asks for. Every
// libjpeg error or warning (a truncated file, corrupt data) is an lskd::Error naming the file; nothing is printed.
// One JpegDecoder per thread: it keeps libjpeg's state and its row buffer between images.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "framework/data/rgb_image.hpp"

namespace lskd::data {

// PIL's decompression-bomb limit (2 * Image.MAX_IMAGE_PIXELS): a larger image is an error, not an allocation.
inline constexpr std::int64_t kDefaultMaxPixels = 178956970;

struct JpegInfo {
    int width = 0;
    int height = 0;
    int components = 0;   // 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK
    int orientation = 1;  // EXIF orientation, when the probe was asked to read it; else 1
};

struct JpegRequest {
    std::optional<PixelRegion> region;  // full-size pixel coordinates; none: the whole image
    int min_width = 0;                  // the fewest pixels the region must keep across once scaled; 0: no scaling
    int min_height = 0;
    std::int64_t max_pixels = kDefaultMaxPixels;
};

// The largest reduction d in {8, 4, 2, 1} with region_width >= d * min_width and region_height >= d * min_height,
// the rule of PIL's draft(); 1 when either minimum is 0 or less.
int choose_jpeg_scale(int region_width, int region_height, int min_width, int min_height);

class JpegDecoder {
public:
    JpegDecoder();
    ~JpegDecoder();
    JpegDecoder(const JpegDecoder&) = delete;
    JpegDecoder& operator=(const JpegDecoder&) = delete;

    // Size and components from the header alone; with read_exif, also the EXIF orientation.
    JpegInfo probe(std::span<const std::uint8_t> bytes, const std::filesystem::path& file, bool read_exif);

    // Decodes request.region (or the whole image) into `out`; the result says where `out` sits in the full image.
    // The decoded pixels are those a full decode at the same scale gives (see docs/data.md for the DCT-block edges).
    Placement decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& file, const JpegRequest& request,
                     RgbImage& out);

    struct State;

private:
    std::unique_ptr<State> state_;
};

}  // namespace lskd::data
