// Helpers shared by the image decoder tests: writing fixture bytes to a named file (PIL reads files) and
// decoding through lskd's decoders in one call.
#pragma once
#include <filesystem>
#include <span>

#include "fixtures.hpp"
#include "framework/data/image_decoder.hpp"
#include "framework/data/rgb_image.hpp"

namespace lskd::data::testing {

inline RgbImage decode_image(std::span<const std::uint8_t> bytes, const DecodeRequest& request = {},
                             ImageGeometry* geometry = nullptr) {
    static thread_local ImageDecoder decoder;
    RgbImage out;
    const ImageGeometry g = decoder.decode(bytes, "test image", request, out);
    if (geometry) *geometry = g;
    return out;
}

// The pixels of `image` in `region`.
inline RgbImage cut(const RgbImage& image, const PixelRegion& region) {
    RgbImage out;
    copy_region(image, region, out);
    return out;
}

}  // namespace lskd::data::testing
