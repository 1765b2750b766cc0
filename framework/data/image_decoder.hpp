// The one entry point for decoding an image file's bytes: the format comes from the magic bytes (a PNG named
// .JPEG decodes as PNG), the output is 8-bit RGB of the requested region, at the coarsest JPEG DCT scale that
// keeps the pixels the caller needs, with EXIF orientation applied only on request (torchvision ignores it).
// Bad bytes are an lskd::Error naming the file. One ImageDecoder per thread: it reuses its buffers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

#include "framework/data/image_format.hpp"
#include "framework/data/jpeg_decoder.hpp"
#include "framework/data/png_decoder.hpp"
#include "framework/data/rgb_image.hpp"

namespace lskd::data {

struct DecodeRequest {
    std::optional<PixelRegion> region;  // in displayed full-size coordinates; none: the whole image
    int min_width = 0;                  // the fewest pixels the region must keep across once scaled; 0: full size
    int min_height = 0;
    bool honour_exif = false;
    std::int64_t max_pixels = kDefaultMaxPixels;
};

// The image as displayed (after EXIF orientation, when honoured) and where the decoded pixels sit in it.
struct ImageGeometry {
    ImageFormat format = ImageFormat::unknown;
    int width = 0;
    int height = 0;
    int orientation = 1;  // the orientation applied: 1 unless EXIF was honoured
    Placement placement;
};

class ImageDecoder {
public:
    // The displayed size without decoding the pixels (PNG: EXIF orientation only from an eXIf chunk before the
    // image data, as decode reads it).
    ImageGeometry probe(std::span<const std::uint8_t> bytes, const std::filesystem::path& file, bool honour_exif);

    ImageGeometry decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                         const DecodeRequest& request, RgbImage& out);

private:
    ImageGeometry decode_jpeg(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                              const DecodeRequest& request, RgbImage& out);
    ImageGeometry decode_png(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                             const DecodeRequest& request, RgbImage& out);

    JpegDecoder jpeg_;
    PngDecoder png_;
    RgbImage stored_;    // pixels before EXIF orientation
    RgbImage oriented_;  // a whole PNG after orientation, before its region is cut
};

}  // namespace lskd::data
