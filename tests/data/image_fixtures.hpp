// Encoded image fixtures made at test time with libjpeg and libpng (never committed): deterministic synthetic
// pixels, JPEGs in every colour space lskd meets (grey, YCbCr, CMYK, YCCK, with or without the Adobe marker), PNGs
// of every colour type and depth, and EXIF blocks with a chosen orientation.
#pragma once
#include <cstdint>
#include <vector>

namespace lskd::data::testing {

using ImageBytes = std::vector<std::uint8_t>;

// w x h x channels bytes of smooth gradients plus seeded noise, so that JPEG blocks are neither flat nor random.
ImageBytes photo_pixels(int width, int height, int channels, std::uint64_t seed);

struct JpegSpec {
    int width = 64;
    int height = 48;
    int channels = 3;            // of `pixels`: 1 grey, 3 RGB, 4 CMYK
    ImageBytes pixels;           // width * height * channels
    bool ycck = false;           // four channels stored as YCCK instead of CMYK
    bool adobe_marker = true;    // for four channels (libjpeg writes one for CMYK and YCCK by default)
    int h_samp = 2, v_samp = 2;  // luma sampling factors: 2x2 is 4:2:0, 2x1 4:2:2, 1x1 4:4:4
    bool progressive = false;
    int quality = 90;
    ImageBytes app1;  // an APP1 payload to write (e.g. exif_app1), or none
};
ImageBytes encode_jpeg(const JpegSpec& spec);

struct PngSpec {
    int width = 16;
    int height = 12;
    int color_type = 2;  // PNG_COLOR_TYPE_*: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
    int bit_depth = 8;
    std::vector<std::uint16_t> samples;  // width * height * channels, each < 2^bit_depth (palette: indices)
    std::vector<std::uint8_t> palette;   // RGB triples, for color_type 3
    std::vector<std::uint8_t> trns;      // palette alphas, for color_type 3
    bool interlaced = false;
    ImageBytes exif;  // a TIFF-structured eXIf chunk written before the image data, or none
};
ImageBytes encode_png(const PngSpec& spec);

// A TIFF block whose IFD0 holds a single Orientation tag, little- or big-endian; exif_app1 prefixes "Exif\0\0".
ImageBytes exif_tiff(int orientation, bool big_endian);
ImageBytes exif_app1(int orientation, bool big_endian);

}  // namespace lskd::data::testing
