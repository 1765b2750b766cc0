#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/core/random.hpp"
#include "framework/data/cmyk_to_rgb.hpp"
#include "framework/data/jpeg_decoder.hpp"
#include "image_fixtures.hpp"
#include "image_test_support.hpp"
#include "pil_reference.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

JpegSpec rgb_spec(int w, int h, int h_samp, int v_samp, bool progressive) {
    JpegSpec s;
    s.width = w;
    s.height = h;
    s.pixels = photo_pixels(w, h, 3, 11);
    s.h_samp = h_samp;
    s.v_samp = v_samp;
    s.progressive = progressive;
    return s;
}

// Four quadrants of flat ink (c, m, y, k, 0 = none): none, cyan, magenta + yellow, full black; stored inverted
// as Adobe (Photoshop) files store them when `inverted`.
JpegSpec cmyk_quadrants(bool ycck, bool adobe, bool inverted) {
    JpegSpec s;
    s.width = s.height = 32;
    s.channels = 4;
    s.ycck = ycck;
    s.adobe_marker = adobe;
    s.quality = 98;
    const std::uint8_t inks[4][4] = {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 255, 255, 0}, {0, 0, 0, 255}};
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x)
            for (int c = 0; c < 4; ++c) {
                const std::uint8_t ink = inks[(y / 16) * 2 + x / 16][c];
                s.pixels.push_back(inverted ? 255 - ink : ink);
            }
    return s;
}

RgbImage decode_with_pil(const ImageBytes& bytes, const std::string& mode) {
    TempDir dir;
    write_file(dir / "x.jpg", bytes);
    return pil_decode(dir / "x.jpg", mode);
}

}  // namespace

TEST_CASE("jpeg scale choice follows PIL draft", "[data][jpeg]") {
    CHECK(choose_jpeg_scale(500, 375, 224, 224) == 1);  // 375 < 2 * 224
    CHECK(choose_jpeg_scale(447, 447, 224, 224) == 1);
    CHECK(choose_jpeg_scale(448, 448, 224, 224) == 2);
    CHECK(choose_jpeg_scale(1000, 900, 224, 224) == 4);   // 900 >= 4 * 224 = 896, < 8 * 224
    CHECK(choose_jpeg_scale(3000, 2000, 224, 224) == 8);  // 2000 >= 1792
    CHECK(choose_jpeg_scale(3000, 2000, 224, 0) == 1);    // 0: full size
    CHECK(choose_jpeg_scale(3000, 200, 100, 100) == 2);
}

TEST_CASE("jpeg RGB decode equals PIL", "[data][jpeg]") {
    if (!pil_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no PIL; the PIL comparison is untested");
        return;
    }
    const auto [h_samp, v_samp] = GENERATE(std::pair{1, 1}, std::pair{2, 1}, std::pair{2, 2});
    const bool progressive = GENERATE(false, true);
    const ImageBytes jpeg = encode_jpeg(rgb_spec(97, 75, h_samp, v_samp, progressive));
    ImageGeometry g;
    const RgbImage ours = decode_image(jpeg, {}, &g);
    CHECK(g.format == ImageFormat::jpeg);
    CHECK(g.width == 97);
    CHECK(g.height == 75);
    CHECK(g.placement.scale == 1);
    // Both are libjpeg-turbo's ISLOW IDCT with fancy upsampling, so the bytes agree (the brief allows 1).
    CHECK(max_abs_diff(ours, decode_with_pil(jpeg, "rgb")) == 0);
}

TEST_CASE("jpeg scaled decode equals PIL draft", "[data][jpeg]") {
    if (!pil_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no PIL; the draft comparison is untested");
        return;
    }
    const int scale = GENERATE(2, 4, 8);
    const bool progressive = GENERATE(false, true);
    const ImageBytes jpeg = encode_jpeg(rgb_spec(203, 151, 2, 2, progressive));
    DecodeRequest request;
    request.min_width = 203 / scale;
    request.min_height = 151 / scale;
    ImageGeometry g;
    const RgbImage ours = decode_image(jpeg, request, &g);
    CHECK(g.placement.scale == scale);
    CHECK(ours.width == (203 + scale - 1) / scale);
    CHECK(ours.height == (151 + scale - 1) / scale);
    CHECK(max_abs_diff(ours, decode_with_pil(jpeg, "draft " + std::to_string(scale))) == 0);
}

TEST_CASE("jpeg grayscale becomes grey RGB", "[data][jpeg]") {
    JpegSpec s;
    s.width = 40;
    s.height = 30;
    s.channels = 1;
    s.pixels = photo_pixels(40, 30, 1, 3);
    const ImageBytes jpeg = encode_jpeg(s);
    const RgbImage ours = decode_image(jpeg);
    REQUIRE(ours.width == 40);
    bool grey = true;
    for (std::size_t i = 0; i < ours.pixels.size(); i += 3)
        grey = grey && ours.pixels[i] == ours.pixels[i + 1] && ours.pixels[i] == ours.pixels[i + 2];
    CHECK(grey);
    if (pil_available()) CHECK(max_abs_diff(ours, decode_with_pil(jpeg, "rgb")) == 0);
}

TEST_CASE("cmyk to rgb uses PIL arithmetic", "[data][jpeg]") {
    // Ink (100, 50, 20, 30): 255 - k = 225; 225 - round(100 * 225 / 255) = 137, 225 - round(44.1) = 181,
    // 225 - round(17.6) = 207 (also what PIL's Image.frombytes("CMYK", ...).convert("RGB") gives).
    const std::uint8_t ink[4] = {100, 50, 20, 30};
    const std::uint8_t stored[4] = {155, 205, 235, 225};
    std::uint8_t rgb[3];
    cmyk_to_rgb(ink, rgb, 1, false);
    CHECK((rgb[0] == 137 && rgb[1] == 181 && rgb[2] == 207));
    cmyk_to_rgb(stored, rgb, 1, true);
    CHECK((rgb[0] == 137 && rgb[1] == 181 && rgb[2] == 207));
}

TEST_CASE("jpeg CMYK and YCCK decode to the right colours", "[data][jpeg]") {
    const bool ycck = GENERATE(false, true);
    const ImageBytes jpeg = encode_jpeg(cmyk_quadrants(ycck, true, true));
    const RgbImage ours = decode_image(jpeg);
    REQUIRE(ours.width == 32);
    // Quadrant centres: no ink is white, cyan ink (0, 255, 255), magenta + yellow red, full black ink black.
    const int expected[4][3] = {{255, 255, 255}, {0, 255, 255}, {255, 0, 0}, {0, 0, 0}};
    for (int q = 0; q < 4; ++q) {
        const std::uint8_t* p = ours.row(8 + 16 * (q / 2)) + 3 * (8 + 16 * (q % 2));
        for (int c = 0; c < 3; ++c) {
            INFO("quadrant " << q << " channel " << c << " value " << int(p[c]));
            CHECK(std::abs(p[c] - expected[q][c]) <= 6);  // JPEG loss on flat colour at quality 98
        }
    }
    if (pil_available())
        CHECK(max_abs_diff(ours, decode_with_pil(jpeg, "rgb")) == 0);
    else
        WARN("SKIPPED: /usr/bin/python3 has no PIL; the CMYK comparison with PIL is untested");
}

TEST_CASE("jpeg CMYK without the Adobe marker is not inverted", "[data][jpeg]") {
    // PIL inverts every CMYK JPEG; lskd, like libjpeg's own tools and browsers, only those with the Adobe marker.
    const RgbImage ours = decode_image(encode_jpeg(cmyk_quadrants(false, false, false)));
    const std::uint8_t* cyan = ours.row(8) + 3 * 24;
    CHECK(cyan[0] <= 6);
    CHECK(cyan[1] >= 249);
    CHECK(cyan[2] >= 249);
}

TEST_CASE("jpeg crop equals the same region of a full decode", "[data][jpeg]") {
    const int kind = GENERATE(range(0, 6));  // 4:4:4, 4:2:2, 4:2:0, progressive 4:2:0, grey, YCCK
    JpegSpec s = rgb_spec(157, 123, kind == 0 ? 1 : 2, kind >= 2 ? 2 : 1, kind == 3);
    if (kind == 4) {
        s.channels = 1;
        s.pixels = photo_pixels(157, 123, 1, 5);
    } else if (kind == 5) {
        s.channels = 4;
        s.ycck = true;
        s.pixels = photo_pixels(157, 123, 4, 6);
    }
    const ImageBytes jpeg = encode_jpeg(s);
    lskd::Rng rng(24, static_cast<std::uint64_t>(kind));
    for (const int scale : {1, 2, 4, 8}) {
        DecodeRequest full_request;
        full_request.min_width = full_request.min_height = scale == 1 ? 0 : 1;
        full_request.min_width *= 157 / scale;
        full_request.min_height *= 123 / scale;
        const RgbImage full = decode_image(jpeg, full_request);
        for (int trial = 0; trial < 25; ++trial) {
            const int w = 8 * scale + static_cast<int>(rng.below(157 - 8 * scale));
            const int h = 8 * scale + static_cast<int>(rng.below(123 - 8 * scale));
            const PixelRegion r{static_cast<int>(rng.below(157 - w + 1)), static_cast<int>(rng.below(123 - h + 1)), w,
                                h};
            DecodeRequest request;
            request.region = r;
            request.min_width = scale == 1 ? 0 : w / scale;
            request.min_height = scale == 1 ? 0 : h / scale;
            ImageGeometry g;
            const RgbImage crop = decode_image(jpeg, request, &g);
            INFO("kind " << kind << " scale " << scale << " region " << r.width << "x" << r.height << " at " << r.x
                         << "," << r.y);
            REQUIRE(g.placement.scale == scale);
            CHECK(g.placement.x0 == r.x / scale * scale);
            CHECK(g.placement.y0 == r.y / scale * scale);
            // The decoded block covers the region.
            CHECK(g.placement.x0 + crop.width * scale >= std::min(r.x + r.width, (157 + scale - 1) / scale * scale));
            CHECK(g.placement.y0 + crop.height * scale >= std::min(r.y + r.height, (123 + scale - 1) / scale * scale));
            const PixelRegion scaled{g.placement.x0 / scale, g.placement.y0 / scale, static_cast<int>(crop.width),
                                     static_cast<int>(crop.height)};
            CHECK(max_abs_diff(crop, cut(full, scaled)) == 0);
        }
    }
}

TEST_CASE("jpeg probe reads the header only", "[data][jpeg]") {
    JpegSpec s = rgb_spec(97, 75, 2, 2, false);
    s.app1 = exif_app1(6, false);
    const ImageBytes jpeg = encode_jpeg(s);
    const ImageBytes head(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 3));
    JpegDecoder decoder;
    const JpegInfo info = decoder.probe(head, "head.jpg", true);
    CHECK(info.width == 97);
    CHECK(info.height == 75);
    CHECK(info.components == 3);
    CHECK(info.orientation == 6);
    CHECK(decoder.probe(head, "head.jpg", false).orientation == 1);
}

TEST_CASE("jpeg truncated or corrupt is an error naming the file", "[data][jpeg]") {
    const ImageBytes jpeg = encode_jpeg(rgb_spec(97, 75, 2, 2, GENERATE(false, true)));
    JpegDecoder decoder;
    RgbImage out;
    for (const std::size_t keep : {jpeg.size() / 2, jpeg.size() - 2, std::size_t{300}, std::size_t{3}}) {
        INFO("kept " << keep << " of " << jpeg.size() << " bytes");
        const std::span<const std::uint8_t> cut_bytes(jpeg.data(), keep);
        CHECK_THAT(error_message([&] { decoder.decode(cut_bytes, "cut.jpg", {}, out); }),
                   Contains("cut.jpg: corrupt or truncated JPEG"));
    }
    ImageBytes garbage = jpeg;
    lskd::Rng rng(7);
    for (std::size_t i = garbage.size() / 2; i < garbage.size() - 2; ++i)
        garbage[i] = static_cast<std::uint8_t>(rng.below(256));
    CHECK_THAT(error_message([&] { decoder.decode(garbage, "noise.jpg", {}, out); }), Contains("noise.jpg: "));
    // The decoder is still usable after errors.
    CHECK(decoder.decode(jpeg, "whole.jpg", {}, out).scale == 1);
    CHECK(out.width == 97);
}

TEST_CASE("jpeg bad requests are errors", "[data][jpeg]") {
    const ImageBytes jpeg = encode_jpeg(rgb_spec(97, 75, 2, 2, false));
    JpegDecoder decoder;
    RgbImage out;
    JpegRequest outside;
    outside.region = PixelRegion{90, 0, 10, 10};
    CHECK_THAT(error_message([&] { decoder.decode(jpeg, "a.jpg", outside, out); }),
               Contains("a.jpg: the region 10x10 at (90, 0) is not inside the 97x75 image"));
    JpegRequest small_limit;
    small_limit.max_pixels = 97 * 75 - 1;
    CHECK_THAT(error_message([&] { decoder.decode(jpeg, "a.jpg", small_limit, out); }),
               Contains("a.jpg: a 97x75 JPEG has more pixels than the limit of 7274"));
}

TEST_CASE("jpeg decoder reuses its buffers", "[data][jpeg]") {
    const ImageBytes jpeg = encode_jpeg(rgb_spec(97, 75, 2, 2, false));
    ImageDecoder decoder;
    RgbImage out;
    decoder.decode(jpeg, "a.jpg", {}, out);
    const std::uint8_t* buffer = out.pixels.data();
    const std::vector<std::uint8_t> first = out.pixels;
    decoder.decode(jpeg, "a.jpg", {}, out);
    CHECK(out.pixels.data() == buffer);
    CHECK(out.pixels == first);
}

TEST_CASE("jpeg every truncation and bit flip ends cleanly", "[data][jpeg]") {
    const ImageBytes jpeg = encode_jpeg(rgb_spec(24, 16, 2, 2, GENERATE(false, true)));
    ImageDecoder decoder;
    RgbImage out;
    for (std::size_t keep = 0; keep < jpeg.size(); ++keep) {
        INFO("kept " << keep << " of " << jpeg.size() << " bytes");
        CHECK_FALSE(error_message([&] { decoder.decode(std::span(jpeg).first(keep), "cut.jpg", {}, out); }).empty());
    }
    // A flipped bit may still decode (into other pixels); it must never crash, hang or throw anything else.
    for (std::size_t bit = 0; bit < jpeg.size() * 8; bit += 3) {
        ImageBytes flipped = jpeg;
        flipped[bit / 8] ^= static_cast<std::uint8_t>(1 << (bit % 8));
        const std::string message = error_message([&] { decoder.decode(flipped, "flip.jpg", {}, out); });
        CHECK((message.empty() || message.rfind("flip.jpg: ", 0) == 0));
    }
}
