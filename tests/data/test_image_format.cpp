#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/core/random.hpp"
#include "framework/data/image_format.hpp"
#include "image_fixtures.hpp"
#include "image_test_support.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("image format from magic bytes", "[data][image_format]") {
    JpegSpec j;
    j.pixels = photo_pixels(j.width, j.height, 3, 1);
    PngSpec p;
    p.samples.assign(16 * 12 * 3, 7);
    CHECK(detect_image_format(encode_jpeg(j)) == ImageFormat::jpeg);
    CHECK(detect_image_format(encode_png(p)) == ImageFormat::png);
    const ImageBytes gif{'G', 'I', 'F', '8', '9', 'a', 1, 0};
    CHECK(detect_image_format(gif) == ImageFormat::unknown);
    CHECK(detect_image_format(ImageBytes{0xFF, 0xD8}) == ImageFormat::unknown);
    CHECK(detect_image_format(ImageBytes{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A}) == ImageFormat::unknown);
    CHECK(detect_image_format({}) == ImageFormat::unknown);
    CHECK(leading_bytes_hex(gif, 4) == "47 49 46 38");
    CHECK(leading_bytes_hex({}) == "(no bytes)");
}

TEST_CASE("a PNG named JPEG decodes as PNG", "[data][image_format]") {
    PngSpec p;
    for (int i = 0; i < 16 * 12 * 3; ++i) p.samples.push_back(static_cast<std::uint16_t>(i % 251));
    TempDir dir;
    write_file(dir / "n02105855_2933.JPEG", encode_png(p));
    ImageDecoder decoder;
    RgbImage out;
    const ImageGeometry g =
        decoder.decode(read_whole_file(dir / "n02105855_2933.JPEG"), dir / "n02105855_2933.JPEG", {}, out);
    CHECK(g.format == ImageFormat::png);
    REQUIRE(out.width == 16);
    CHECK(out.pixels[5] == 5);
}

TEST_CASE("unknown or garbage bytes are an error naming the file", "[data][image_format]") {
    ImageDecoder decoder;
    RgbImage out;
    const ImageBytes gif{'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0};
    CHECK_THAT(error_message([&] { decoder.decode(gif, "cat.jpg", {}, out); }),
               Contains("cat.jpg: not a JPEG or PNG file (it starts with 47 49 46 38 39 61 01 00)"));
    CHECK_THAT(error_message([&] { decoder.decode({}, "empty.png", {}, out); }),
               Contains("empty.png: not a JPEG or PNG file (it starts with (no bytes))"));
    // Random bytes behind each magic: every outcome is an lskd::Error naming the file.
    lskd::Rng rng(3);
    for (int trial = 0; trial < 50; ++trial) {
        ImageBytes bytes = trial % 2 ? ImageBytes{0xFF, 0xD8, 0xFF}
                                     : ImageBytes{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        for (int i = 0; i < 200; ++i) bytes.push_back(static_cast<std::uint8_t>(rng.below(256)));
        CHECK_THAT(error_message([&] { decoder.decode(bytes, "noise.img", {}, out); }), Contains("noise.img: "));
    }
}
