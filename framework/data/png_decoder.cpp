#include "framework/data/png_decoder.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <new>

#include <png.h>

#include "framework/core/error.hpp"
#include "framework/data/exif_orientation.hpp"

namespace lskd::data {
namespace {

// The bytes libpng reads from, and the message of the error that ended the read. libpng's error callback must
// not return; it longjmps back to the decode call, which throws (an exception must not cross libpng's C frames).
struct PngSource {
    std::span<const std::uint8_t> bytes;
    std::size_t at = 0;
    char message[256] = {};
};

void read_bytes(png_structp png, png_bytep data, std::size_t n) {
    auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
    if (n > src->bytes.size() - src->at) png_error(png, "the file ends early (truncated)");
    std::memcpy(data, src->bytes.data() + src->at, n);
    src->at += n;
}

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
    auto* src = static_cast<PngSource*>(png_get_error_ptr(png));
    std::snprintf(src->message, sizeof src->message, "%s", message);
    png_longjmp(png, 1);
}

// Warnings are about ancillary chunks (a bad sRGB profile, a bad CRC in a text chunk) that PIL ignores too.
void on_warning(png_structp, png_const_charp) {}

struct PngHandles {
    png_structp png = nullptr;
    png_infop info = nullptr;

    explicit PngHandles(PngSource& src) {
        png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, on_error, on_warning);
        if (png) info = png_create_info_struct(png);
        if (!info) {
            png_destroy_read_struct(&png, nullptr, nullptr);
            throw std::bad_alloc();
        }
        png_set_read_fn(png, &src, read_bytes);
    }
    ~PngHandles() { png_destroy_read_struct(&png, &info, nullptr); }
    PngHandles(const PngHandles&) = delete;
    PngHandles& operator=(const PngHandles&) = delete;
};

PngInfo read_info(const PngHandles& h) {
    png_read_info(h.png, h.info);
    PngInfo info{static_cast<int>(png_get_image_width(h.png, h.info)),
                 static_cast<int>(png_get_image_height(h.png, h.info)), 1};
    png_uint_32 size = 0;
    png_bytep exif = nullptr;
    if (png_get_eXIf_1(h.png, h.info, &size, &exif) && exif) info.orientation = orientation_from_tiff({exif, size});
    return info;
}

// Transformations to 8-bit RGB; alpha (also alpha made from a palette's tRNS) is stripped after expansion.
void set_rgb8_output(const PngHandles& h, const std::filesystem::path& file) {
    const int type = png_get_color_type(h.png, h.info), depth = png_get_bit_depth(h.png, h.info);
    if (depth == 16) png_set_scale_16(h.png);
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(h.png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(h.png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(h.png);
    png_set_strip_alpha(h.png);
    png_set_interlace_handling(h.png);
    png_read_update_info(h.png, h.info);
    const std::size_t width = png_get_image_width(h.png, h.info);
    if (png_get_channels(h.png, h.info) != 3 || png_get_bit_depth(h.png, h.info) != 8 ||
        png_get_rowbytes(h.png, h.info) != width * 3)
        fail("{}: PNG colour type {} at {} bits did not convert to 8-bit RGB", file.string(), type, depth);
}

}  // namespace

PngInfo PngDecoder::probe(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
    PngSource src{bytes};
    const PngHandles h(src);
    if (setjmp(png_jmpbuf(h.png))) fail("{}: corrupt or truncated PNG: {}", file.string(), src.message);
    return read_info(h);
}

PngInfo PngDecoder::decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                           const std::optional<PixelRegion>& region, std::int64_t max_pixels, RgbImage& out) {
    PngSource src{bytes};
    const PngHandles h(src);
    if (setjmp(png_jmpbuf(h.png))) fail("{}: corrupt or truncated PNG: {}", file.string(), src.message);
    const PngInfo info = read_info(h);
    if (std::int64_t{info.width} * info.height > max_pixels)
        fail("{}: a {}x{} PNG has more pixels than the limit of {}", file.string(), info.width, info.height,
             max_pixels);
    const PixelRegion whole{0, 0, info.width, info.height};
    const PixelRegion r = region.value_or(whole);
    check_region(r, info.width, info.height, file);
    set_rgb8_output(h, file);
    // The whole image goes straight into `out` when it is wanted whole, else into image_ and the region is copied.
    const bool direct = r.width == info.width && r.height == info.height;
    std::uint8_t* base = nullptr;
    if (direct) {
        out.resize(info.width, info.height);
        base = out.pixels.data();
    } else {
        image_.resize(static_cast<std::size_t>(info.width) * static_cast<std::size_t>(info.height) * 3);
        base = image_.data();
    }
    rows_.resize(static_cast<std::size_t>(info.height));
    for (std::size_t y = 0; y < rows_.size(); ++y) rows_[y] = base + y * static_cast<std::size_t>(info.width) * 3;
    png_read_image(h.png, rows_.data());
    png_read_end(h.png, nullptr);  // up to IEND: a file cut after its image data is an error too
    if (!direct) {
        out.resize(r.width, r.height);
        for (int y = 0; y < r.height; ++y)
            std::memcpy(out.row(y), rows_[static_cast<std::size_t>(r.y + y)] + static_cast<std::size_t>(r.x) * 3,
                        static_cast<std::size_t>(r.width) * 3);
    }
    return info;
}

}  // namespace lskd::data
