#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/png_decoder.hpp"
#include "image_fixtures.hpp"
#include "image_test_support.hpp"
#include "pil_reference.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

PngSpec png_spec(int color_type, int bit_depth, int channels, std::uint64_t seed) {
    PngSpec s;
    s.color_type = color_type;
    s.bit_depth = bit_depth;
    const ImageBytes noise = photo_pixels(s.width * channels, s.height, 2, seed);
    for (int i = 0; i < s.width * s.height * channels; ++i) {
        const unsigned v = noise[2 * static_cast<std::size_t>(i)] << 8 | noise[2 * static_cast<std::size_t>(i) + 1];
        s.samples.push_back(static_cast<std::uint16_t>(v >> (16 - bit_depth)));
    }
    return s;
}

RgbImage pil_rgb(const ImageBytes& bytes) {
    TempDir dir;
    write_file(dir / "x.png", bytes);
    return pil_decode(dir / "x.png", "rgb");
}

const std::uint8_t* pixel(const RgbImage& image, int x, int y) { return image.row(y) + 3 * x; }

}  // namespace

TEST_CASE("png 8-bit colour types equal PIL", "[data][png]") {
    if (!pil_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no PIL; the PNG comparison with PIL is untested");
        return;
    }
    // RGB, RGBA, grey, grey + alpha at 8 bits: PIL's convert("RGB") drops alpha and replicates grey, as lskd does.
    const auto [type, channels] = GENERATE(std::pair{2, 3}, std::pair{6, 4}, std::pair{0, 1}, std::pair{4, 2});
    const bool interlaced = GENERATE(false, true);
    PngSpec s = png_spec(type, 8, channels, 9);
    s.interlaced = interlaced;
    const ImageBytes png = encode_png(s);
    const RgbImage ours = decode_image(png);
    CHECK(max_abs_diff(ours, pil_rgb(png)) == 0);
    // Hand check of the first pixel: grey (+ alpha) replicates sample 0; RGB(A) takes samples 0..2.
    const auto& v = s.samples;
    const std::uint8_t* p = pixel(ours, 0, 0);
    if (channels <= 2)
        CHECK((p[0] == v[0] && p[1] == v[0] && p[2] == v[0]));
    else
        CHECK((p[0] == v[0] && p[1] == v[1] && p[2] == v[2]));
}

TEST_CASE("png 16-bit samples are scaled not clipped", "[data][png]") {
    // v * 255 / 65535 rounded: 65535 -> 255, 32768 -> 127.502 -> 128, 257 -> 1, 129 -> 0.502 -> 1, 128 -> 0.498 -> 0.
    const std::vector<std::uint16_t> values = {65535, 32768, 257, 129, 128, 0};
    const std::vector<std::uint8_t> expected = {255, 128, 1, 1, 0, 0};
    const bool grey = GENERATE(false, true);
    PngSpec s;
    s.width = 6;
    s.height = 1;
    s.bit_depth = 16;
    s.color_type = grey ? 0 : 2;
    for (const std::uint16_t v : values)
        for (int c = 0; c < (grey ? 1 : 3); ++c) s.samples.push_back(v);
    const RgbImage ours = decode_image(encode_png(s));
    for (int x = 0; x < 6; ++x) {
        INFO("sample " << values[static_cast<std::size_t>(x)]);
        for (int c = 0; c < 3; ++c) CHECK(int(pixel(ours, x, 0)[c]) == int(expected[static_cast<std::size_t>(x)]));
    }
}

TEST_CASE("png palette and low bit depths expand", "[data][png]") {
    // A 4-bit palette of 16 colours with a tRNS table (ignored, as PIL's convert("RGB") ignores it).
    PngSpec s;
    s.width = 16;
    s.height = 2;
    s.color_type = 3;
    s.bit_depth = 4;
    for (int i = 0; i < 16; ++i)
        s.palette.insert(s.palette.end(), {std::uint8_t(i * 16), std::uint8_t(255 - i), std::uint8_t(i * 7)});
    s.trns = {0, 128, 255};
    for (int i = 0; i < 32; ++i) s.samples.push_back(static_cast<std::uint16_t>((i * 5) % 16));
    const ImageBytes png = encode_png(s);
    const RgbImage ours = decode_image(png);
    for (int i = 0; i < 32; ++i) {
        const int index = (i * 5) % 16;
        const std::uint8_t* p = pixel(ours, i % 16, i / 16);
        CHECK((p[0] == index * 16 && p[1] == 255 - index && p[2] == index * 7));
    }
    if (pil_available()) CHECK(max_abs_diff(ours, pil_rgb(png)) == 0);

    // 2-bit grey: 0, 1, 2, 3 become 0, 85, 170, 255.
    PngSpec g;
    g.width = 4;
    g.height = 1;
    g.color_type = 0;
    g.bit_depth = 2;
    g.samples = {0, 1, 2, 3};
    const RgbImage grey = decode_image(encode_png(g));
    for (int x = 0; x < 4; ++x) CHECK(int(pixel(grey, x, 0)[1]) == 85 * x);
}

TEST_CASE("png interlaced equals plain", "[data][png]") {
    PngSpec s = png_spec(2, 16, 3, 4);
    const RgbImage plain = decode_image(encode_png(s));
    s.interlaced = true;
    CHECK(max_abs_diff(decode_image(encode_png(s)), plain) == 0);
}

TEST_CASE("png region equals the same region of a full decode", "[data][png]") {
    const ImageBytes png = encode_png(png_spec(6, 8, 4, 2));
    const RgbImage full = decode_image(png);
    const PixelRegion r{3, 2, 9, 7};
    DecodeRequest request;
    request.region = r;
    request.min_width = request.min_height = 1;  // PNGs are never scaled
    ImageGeometry g;
    const RgbImage part = decode_image(png, request, &g);
    CHECK(g.placement.scale == 1);
    CHECK(g.placement.x0 == 3);
    CHECK(g.placement.y0 == 2);
    CHECK(max_abs_diff(part, cut(full, r)) == 0);
}

TEST_CASE("png truncated or corrupt is an error naming the file", "[data][png]") {
    const ImageBytes png = encode_png(png_spec(2, 8, 3, 5));
    PngDecoder decoder;
    RgbImage out;
    // Cut inside the image data, just before IEND, and inside the header.
    for (const std::size_t keep : {png.size() / 2, png.size() - 12, std::size_t{20}}) {
        INFO("kept " << keep << " of " << png.size() << " bytes");
        const std::span<const std::uint8_t> part(png.data(), keep);
        CHECK_THAT(error_message([&] { decoder.decode(part, "cut.png", std::nullopt, 1 << 20, out); }),
                   Contains("cut.png: corrupt or truncated PNG"));
    }
    ImageBytes flipped = png;
    flipped[png.size() / 2] ^= 0x40;  // inside IDAT: a CRC or zlib error
    CHECK_THAT(error_message([&] { decoder.decode(flipped, "bad.png", std::nullopt, 1 << 20, out); }),
               Contains("bad.png: corrupt or truncated PNG"));
    CHECK_THAT(error_message([&] { decoder.decode(png, "big.png", std::nullopt, 100, out); }),
               Contains("big.png: a 16x12 PNG has more pixels than the limit of 100"));
    decoder.decode(png, "good.png", std::nullopt, 1 << 20, out);
    CHECK(out.width == 16);
}

TEST_CASE("png every truncation and bit flip ends cleanly", "[data][png]") {
    const auto [type, channels] = GENERATE(std::pair{2, 3}, std::pair{4, 2});  // RGB, grey + alpha
    const ImageBytes png = encode_png(png_spec(type, 8, channels, 6));
    ImageDecoder decoder;
    RgbImage out;
    for (std::size_t keep = 0; keep < png.size(); ++keep) {
        INFO("kept " << keep << " of " << png.size() << " bytes");
        CHECK_FALSE(error_message([&] { decoder.decode(std::span(png).first(keep), "cut.png", {}, out); }).empty());
    }
    // CRCs catch most flips; a flip in a CRC-less place may still decode. Never a crash or another exception.
    for (std::size_t bit = 0; bit < png.size() * 8; ++bit) {
        ImageBytes flipped = png;
        flipped[bit / 8] ^= static_cast<std::uint8_t>(1 << (bit % 8));
        const std::string message = error_message([&] { decoder.decode(flipped, "flip.png", {}, out); });
        CHECK((message.empty() || message.rfind("flip.png: ", 0) == 0));
    }
}
