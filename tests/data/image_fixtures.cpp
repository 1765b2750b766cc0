#include "image_fixtures.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <jpeglib.h>
#include <png.h>

#include "framework/core/random.hpp"

namespace lskd::data::testing {

ImageBytes photo_pixels(int width, int height, int channels, std::uint64_t seed) {
    ImageBytes p(static_cast<std::size_t>(width) * height * channels);
    std::size_t i = 0;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c, ++i) {
                const int gradient = (x * (c + 1) * 255 / width + y * (3 - c % 3) * 255 / height) / 2;
                const int noise = static_cast<int>(hash_keys(seed, {std::uint64_t(i)}) % 41) - 20;
                p[i] = static_cast<std::uint8_t>(std::clamp(gradient % 256 + noise, 0, 255));
            }
    return p;
}

namespace {

// An encoder error is a bug in the test's spec; exceptions must not cross libjpeg's or libpng's C frames.
[[noreturn]] void jpeg_fixture_error(j_common_ptr c) {
    char message[JMSG_LENGTH_MAX];
    (*c->err->format_message)(c, message);
    std::fprintf(stderr, "fixture JPEG encoder: %s\n", message);
    std::abort();
}

void set_colour(jpeg_compress_struct& c, const JpegSpec& s) {
    c.in_color_space = s.channels == 1 ? JCS_GRAYSCALE : s.channels == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&c);
    if (s.channels == 4) {
        jpeg_set_colorspace(&c, s.ycck ? JCS_YCCK : JCS_CMYK);
        c.write_Adobe_marker = s.adobe_marker;
    }
    if (s.channels != 1) {
        c.comp_info[0].h_samp_factor = s.h_samp;
        c.comp_info[0].v_samp_factor = s.v_samp;
    }
}

}  // namespace

ImageBytes encode_jpeg(const JpegSpec& s) {
    jpeg_compress_struct c;
    jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    err.error_exit = jpeg_fixture_error;
    jpeg_create_compress(&c);
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &buffer, &size);
    c.image_width = static_cast<JDIMENSION>(s.width);
    c.image_height = static_cast<JDIMENSION>(s.height);
    c.input_components = s.channels;
    set_colour(c, s);
    jpeg_set_quality(&c, s.quality, TRUE);
    if (s.progressive) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    if (!s.app1.empty()) jpeg_write_marker(&c, JPEG_APP0 + 1, s.app1.data(), static_cast<unsigned>(s.app1.size()));
    const std::size_t stride = static_cast<std::size_t>(s.width) * s.channels;
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = const_cast<JSAMPROW>(s.pixels.data() + c.next_scanline * stride);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    ImageBytes out(buffer, buffer + size);
    jpeg_destroy_compress(&c);
    std::free(buffer);
    return out;
}

namespace {

void append_png(png_structp png, png_bytep data, std::size_t n) {
    auto* out = static_cast<ImageBytes*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + n);
}

[[noreturn]] void png_fixture_error(png_structp, png_const_charp message) {
    std::fprintf(stderr, "fixture PNG encoder: %s\n", message);
    std::abort();
}

int png_channels(int color_type) {
    switch (color_type) {
        case 0:
        case 3: return 1;
        case 4: return 2;
        case 6: return 4;
        default: return 3;
    }
}

// Samples packed as libpng expects them: big-endian for 16 bits, several to a byte below 8 bits.
std::vector<ImageBytes> packed_rows(const PngSpec& s) {
    const int n = s.width * png_channels(s.color_type);
    std::vector<ImageBytes> rows(static_cast<std::size_t>(s.height), ImageBytes((n * s.bit_depth + 7) / 8));
    for (int y = 0; y < s.height; ++y)
        for (int i = 0; i < n; ++i) {
            const std::uint16_t v = s.samples[static_cast<std::size_t>(y) * n + i];
            ImageBytes& row = rows[static_cast<std::size_t>(y)];
            if (s.bit_depth == 16) {
                row[2 * i] = static_cast<std::uint8_t>(v >> 8);
                row[2 * i + 1] = static_cast<std::uint8_t>(v);
            } else {
                const int bit = i * s.bit_depth;
                row[bit / 8] |= static_cast<std::uint8_t>(v << (8 - s.bit_depth - bit % 8));
            }
        }
    return rows;
}

}  // namespace

ImageBytes encode_png(const PngSpec& s) {
    ImageBytes out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, png_fixture_error, nullptr);
    png_infop info = png_create_info_struct(png);
    png_set_write_fn(png, &out, append_png, nullptr);
    png_set_IHDR(png, info, static_cast<png_uint_32>(s.width), static_cast<png_uint_32>(s.height), s.bit_depth,
                 s.color_type, s.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    std::vector<png_color> palette;
    for (std::size_t i = 0; i + 2 < s.palette.size(); i += 3)
        palette.push_back({s.palette[i], s.palette[i + 1], s.palette[i + 2]});
    if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
    if (!s.trns.empty()) png_set_tRNS(png, info, s.trns.data(), static_cast<int>(s.trns.size()), nullptr);
    if (!s.exif.empty())
        png_set_eXIf_1(png, info, static_cast<png_uint_32>(s.exif.size()), const_cast<png_bytep>(s.exif.data()));
    png_write_info(png, info);
    std::vector<ImageBytes> rows = packed_rows(s);
    std::vector<png_bytep> pointers;
    for (ImageBytes& r : rows) pointers.push_back(r.data());
    png_write_image(png, pointers.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return out;
}

ImageBytes exif_tiff(int orientation, bool big_endian) {
    ImageBytes t;
    auto u16 = [&](unsigned v) {
        t.push_back(static_cast<std::uint8_t>(big_endian ? v >> 8 : v & 0xFF));
        t.push_back(static_cast<std::uint8_t>(big_endian ? v & 0xFF : v >> 8));
    };
    auto u32 = [&](unsigned v) {
        u16(big_endian ? v >> 16 : v & 0xFFFF);
        u16(big_endian ? v & 0xFFFF : v >> 16);
    };
    const std::uint8_t order = big_endian ? 'M' : 'I';
    t.push_back(order);
    t.push_back(order);
    u16(42);
    u32(8);       // IFD0 right after the header
    u16(1);       // one entry
    u16(0x0112);  // Orientation
    u16(3);       // SHORT
    u32(1);
    u16(static_cast<unsigned>(orientation));
    u16(0);  // rest of the value field
    u32(0);  // no next IFD
    return t;
}

ImageBytes exif_app1(int orientation, bool big_endian) {
    ImageBytes a{'E', 'x', 'i', 'f', 0, 0};
    const ImageBytes t = exif_tiff(orientation, big_endian);
    a.insert(a.end(), t.begin(), t.end());
    return a;
}

}  // namespace lskd::data::testing
