// The body of the image decoders' libFuzzer harnesses: an input is a whole image file, probed and decoded whole,
// then decoded again cropped to its central half at half scale with EXIF honoured. Every input must end in
// pixels or lskd::Error, never a crash, a leak or undefined behaviour.
#pragma once
#include <cstdint>
#include <span>

#include "framework/core/error.hpp"
#include "framework/data/image_decoder.hpp"

namespace lskd::fuzzing {

inline void decode_image_input(std::span<const std::uint8_t> bytes) {
    static data::ImageDecoder decoder;  // reused, as a pipeline thread reuses it, so stale state would show
    static data::RgbImage out;
    // Small enough that no input makes an allocation over run_fuzzers.sh's cap, which ASan treats as a crash.
    constexpr std::int64_t kMaxPixels = std::int64_t{1} << 22;
    try {
        const data::ImageGeometry g = decoder.probe(bytes, "fuzz", true);
        data::DecodeRequest whole;
        whole.max_pixels = kMaxPixels;
        decoder.decode(bytes, "fuzz", whole, out);
        data::DecodeRequest centre;
        centre.max_pixels = kMaxPixels;
        centre.honour_exif = true;
        centre.region = data::PixelRegion{g.width / 4, g.height / 4, g.width - g.width / 2, g.height - g.height / 2};
        centre.min_width = centre.region->width / 2;
        centre.min_height = centre.region->height / 2;
        decoder.decode(bytes, "fuzz", centre, out);
    } catch (const lskd::Error&) {
    }
}

}  // namespace lskd::fuzzing
