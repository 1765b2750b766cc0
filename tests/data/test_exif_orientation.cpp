#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "framework/data/exif_orientation.hpp"
#include "image_fixtures.hpp"
#include "image_test_support.hpp"
#include "pil_reference.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;

namespace {

// A 40x24 image (not square, so that a missed swap of the axes shows), 4:4:4 at high quality.
ImageBytes jpeg_with_orientation(int orientation) {
    JpegSpec s;
    s.width = 40;
    s.height = 24;
    s.pixels = photo_pixels(40, 24, 3, 8);
    s.h_samp = s.v_samp = 1;
    s.app1 = exif_app1(orientation, orientation % 2 == 0);
    return encode_jpeg(s);
}

RgbImage pil_exif(const ImageBytes& bytes, const char* name) {
    TempDir dir;
    write_file(dir / name, bytes);
    return pil_decode(dir / name, "exif");
}

}  // namespace

TEST_CASE("exif orientation read from TIFF bytes", "[data][exif]") {
    for (int o = 1; o <= 8; ++o) {
        CHECK(orientation_from_tiff(exif_tiff(o, false)) == o);
        CHECK(orientation_from_tiff(exif_tiff(o, true)) == o);
        CHECK(orientation_from_app1(exif_app1(o, true)) == o);
    }
    CHECK(orientation_from_tiff(exif_tiff(9, false)) == 1);  // PIL ignores values outside 1..8
    CHECK(orientation_from_tiff(exif_tiff(0, true)) == 1);
    CHECK(orientation_from_app1(exif_tiff(6, false)) == 1);  // no "Exif\0\0"
    ImageBytes t = exif_tiff(6, false);
    CHECK(orientation_from_tiff(std::span(t).first(t.size() - 8)) == 1);  // cut inside the entry
    ImageBytes far = t;
    far[4] = 0xF0;  // IFD0 offset past the end
    CHECK(orientation_from_tiff(far) == 1);
    ImageBytes many = t;
    many[8] = 0xFF;  // 255 entries claimed, one present
    many[12] = 0;    // and the first is not Orientation
    CHECK(orientation_from_tiff(many) == 1);
    ImageBytes long_value = t;
    long_value[12] = 4;  // type LONG: value 6 in the 4-byte field
    CHECK(orientation_from_tiff(long_value) == 6);
    ImageBytes magic = t;
    magic[2] = 43;
    CHECK(orientation_from_tiff(magic) == 1);
}

TEST_CASE("exif orientations 1 to 8 match PIL exif_transpose", "[data][exif]") {
    if (!pil_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no PIL; the orientation comparison with PIL is untested");
        return;
    }
    const int orientation = GENERATE(range(1, 9));
    const ImageBytes jpeg = jpeg_with_orientation(orientation);
    DecodeRequest request;
    request.honour_exif = true;
    ImageGeometry g;
    const RgbImage ours = decode_image(jpeg, request, &g);
    CHECK(g.orientation == orientation);
    CHECK(g.width == (swaps_axes(orientation) ? 24 : 40));
    CHECK(max_abs_diff(ours, pil_exif(jpeg, "x.jpg")) == 0);
    // Off by default: the stored pixels, as torchvision gives them.
    CHECK(max_abs_diff(decode_image(jpeg), decode_image(jpeg_with_orientation(1))) == 0);
    // PNG's eXIf chunk too.
    PngSpec s;
    s.width = 7;
    s.height = 3;
    for (int i = 0; i < 63; ++i) s.samples.push_back(static_cast<std::uint16_t>(i * 4));
    s.exif = exif_tiff(orientation, false);
    const ImageBytes png = encode_png(s);
    CHECK(max_abs_diff(decode_image(png, request), pil_exif(png, "x.png")) == 0);
}

TEST_CASE("exif regions map between stored and displayed", "[data][exif]") {
    const PixelRegion r{3, 5, 10, 4};
    for (int o = 1; o <= 8; ++o) {
        const PixelRegion s = stored_rect(r, o, 40, 24);
        const PixelRegion back = displayed_rect(s, o, 40, 24);
        CHECK((back.x == r.x && back.y == r.y && back.width == r.width && back.height == r.height));
    }
    // Orientation 6 (shown turned a quarter clockwise): displayed (X, Y) is stored (Y, 23 - X).
    const PixelRegion s6 = stored_rect(r, 6, 40, 24);
    CHECK((s6.x == 5 && s6.y == 24 - 13 && s6.width == 4 && s6.height == 10));
}

TEST_CASE("exif with a region and scaling agrees with a full decode", "[data][exif]") {
    const int orientation = GENERATE(range(1, 9));
    JpegSpec s;
    s.width = 123;
    s.height = 77;
    s.pixels = photo_pixels(123, 77, 3, 12);
    s.app1 = exif_app1(orientation, false);
    const ImageBytes jpeg = encode_jpeg(s);
    const int dw = swaps_axes(orientation) ? 77 : 123, dh = swaps_axes(orientation) ? 123 : 77;
    for (const int scale : {1, 2, 4}) {
        DecodeRequest full;
        full.honour_exif = true;
        full.min_width = scale == 1 ? 0 : dw / scale;
        full.min_height = scale == 1 ? 0 : dh / scale;
        ImageGeometry fg;
        const RgbImage whole = decode_image(jpeg, full, &fg);
        DecodeRequest part = full;
        part.region = PixelRegion{dw / 5, dh / 4, dw / 2, dh / 2};
        part.min_width = scale == 1 ? 0 : dw / 2 / scale;
        part.min_height = scale == 1 ? 0 : dh / 2 / scale;
        ImageGeometry pg;
        const RgbImage region = decode_image(jpeg, part, &pg);
        INFO("orientation " << orientation << " scale " << scale);
        REQUIRE(pg.placement.scale == scale);
        REQUIRE(fg.placement.scale == scale);
        // The region's placement relative to the whole image's says where its pixels are in the whole decode.
        const int dx = pg.placement.x0 - fg.placement.x0, dy = pg.placement.y0 - fg.placement.y0;
        REQUIRE(dx % scale == 0);
        REQUIRE(dy % scale == 0);
        CHECK(pg.placement.x0 <= part.region->x);
        CHECK(pg.placement.y0 <= part.region->y);
        CHECK(pg.placement.x0 + region.width * scale >= part.region->x + part.region->width);
        CHECK(pg.placement.y0 + region.height * scale >= part.region->y + part.region->height);
        CHECK(max_abs_diff(region, cut(whole, {dx / scale, dy / scale, static_cast<int>(region.width),
                                               static_cast<int>(region.height)})) == 0);
    }
}
