#include "framework/data/jpeg_decoder.hpp"

#include <algorithm>
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstring>
#include <vector>

#include <jpeglib.h>

#include "framework/core/error.hpp"
#include "framework/data/cmyk_to_rgb.hpp"
#include "framework/data/exif_orientation.hpp"

namespace lskd::data {

// libjpeg reports errors through callbacks that must not return; they longjmp back to the decode call, which
// turns the message into an lskd::Error (an exception must not cross libjpeg's C frames).
struct ErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

struct JpegDecoder::State {
    jpeg_decompress_struct cinfo;
    ErrorManager err;
    std::vector<std::uint8_t> row;  // one decoded scanline, reused across images
};

namespace {

[[noreturn]] void on_error(j_common_ptr c) {
    auto* e = reinterpret_cast<ErrorManager*>(c->err);
    (*c->err->format_message)(c, e->message);
    std::longjmp(e->jump, 1);
}

// Warnings (level -1: premature end of data, corrupt Huffman data, extraneous bytes) are errors: libjpeg would
// otherwise fill the rest of a truncated image with grey and carry on. Trace messages are dropped.
void on_message(j_common_ptr c, int level) {
    if (level < 0) on_error(c);
}

void no_output(j_common_ptr) {}

// Leaves the decompressor ready for the next image however decoding ends (libjpeg frees the image's memory).
struct AbortOnExit {
    jpeg_decompress_struct* cinfo;
    ~AbortOnExit() { jpeg_abort_decompress(cinfo); }
};

void read_header(JpegDecoder::State& s, std::span<const std::uint8_t> bytes, bool save_app1) {
    jpeg_mem_src(&s.cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(&s.cinfo, JPEG_APP0 + 1, save_app1 ? 0xFFFF : 0);
    jpeg_read_header(&s.cinfo, TRUE);
}

int exif_orientation_of(const jpeg_decompress_struct& c) {
    for (jpeg_saved_marker_ptr m = c.marker_list; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1) continue;
        const std::span<const std::uint8_t> payload(m->data, m->data_length);
        if (payload.size() >= 6 && std::memcmp(payload.data(), "Exif\0\0", 6) == 0)
            return orientation_from_app1(payload);
    }
    return 1;
}

// RGB output for grey (libjpeg replicates), YCbCr and RGB files; CMYK output (libjpeg turns YCCK into CMYK) for
// four-component files, which libjpeg cannot turn into RGB. Returns whether the output is CMYK.
bool set_output_colour(jpeg_decompress_struct& c, const std::filesystem::path& file) {
    switch (c.jpeg_color_space) {
        case JCS_GRAYSCALE:
        case JCS_YCbCr:
        case JCS_RGB: c.out_color_space = JCS_RGB; return false;
        case JCS_CMYK:
        case JCS_YCCK: c.out_color_space = JCS_CMYK; return true;
        default: break;
    }
    fail("{}: unsupported JPEG colour space ({} components)", file.string(), c.num_components);
}

void check_size(const jpeg_decompress_struct& c, std::int64_t max_pixels, const std::filesystem::path& file) {
    const std::int64_t pixels = std::int64_t{c.image_width} * c.image_height;
    if (pixels > max_pixels)
        fail("{}: a {}x{} JPEG has more pixels than the limit of {}", file.string(), c.image_width, c.image_height,
             max_pixels);
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Restricts decoding to the scaled columns [x0, x1) plus one column of margin either side: at the crop's own
// edges libjpeg's fancy upsampling lacks the neighbouring chroma sample, so those columns differ from a full
// decode. Returns where column x0 lands in the decoded scanline.
int crop_columns(jpeg_decompress_struct& c, int x0, int x1) {
    JDIMENSION x = x0 > 0 ? static_cast<JDIMENSION>(x0 - 1) : 0;
    JDIMENSION width = std::min<JDIMENSION>(static_cast<JDIMENSION>(x1) + 1, c.output_width) - x;
    if (width >= c.output_width) return x0;
    jpeg_crop_scanline(&c, &x, &width);  // moves x back to an iMCU boundary
    return x0 - static_cast<int>(x);
}

// Reads the scaled rows [y0, y1) (after a margin row, for the same reason as the column margin) into `out`,
// starting each at column `left` of the decoded scanline.
void read_rows(JpegDecoder::State& s, int y0, int y1, int left, bool cmyk, RgbImage& out,
               const std::filesystem::path& file) {
    jpeg_decompress_struct& c = s.cinfo;
    const std::size_t components = static_cast<std::size_t>(c.output_components);
    s.row.resize(c.output_width * components);
    const int first = y0 > 0 ? y0 - 1 : 0;
    if (first > 0 && jpeg_skip_scanlines(&c, static_cast<JDIMENSION>(first)) != static_cast<JDIMENSION>(first))
        fail("{}: JPEG ended before row {}", file.string(), first);
    JSAMPROW row = s.row.data();
    const std::uint8_t* src = s.row.data() + static_cast<std::size_t>(left) * components;
    for (int y = first; y < y1; ++y) {
        if (jpeg_read_scanlines(&c, &row, 1) != 1) fail("{}: JPEG ended before row {}", file.string(), y);
        if (y < y0) continue;
        if (cmyk)
            cmyk_to_rgb(src, out.row(y - y0), out.width, c.saw_Adobe_marker);
        else
            std::memcpy(out.row(y - y0), src, static_cast<std::size_t>(out.width) * 3);
    }
}

Placement decode_region(JpegDecoder::State& s, const std::filesystem::path& file, const JpegRequest& request,
                        RgbImage& out) {
    jpeg_decompress_struct& c = s.cinfo;
    check_size(c, request.max_pixels, file);
    const int width = static_cast<int>(c.image_width), height = static_cast<int>(c.image_height);
    const PixelRegion r = request.region.value_or(PixelRegion{0, 0, width, height});
    check_region(r, width, height, file);
    const bool cmyk = set_output_colour(c, file);
    const int scale = choose_jpeg_scale(r.width, r.height, request.min_width, request.min_height);
    c.scale_num = 1;
    c.scale_denom = static_cast<unsigned>(scale);
    jpeg_start_decompress(&c);
    const int out_w = static_cast<int>(c.output_width), out_h = static_cast<int>(c.output_height);
    const int x0 = r.x / scale, y0 = r.y / scale;
    const int x1 = std::min(ceil_div(r.x + r.width, scale), out_w),
              y1 = std::min(ceil_div(r.y + r.height, scale), out_h);
    const int left = crop_columns(c, x0, x1);
    out.resize(x1 - x0, y1 - y0);
    read_rows(s, y0, y1, left, cmyk, out, file);
    // Reading on to the end marker catches a file truncated after the last row; a region that stops higher
    // leaves the rest of the file unread (AbortOnExit).
    if (y1 == out_h) jpeg_finish_decompress(&c);
    return {scale, x0 * scale, y0 * scale};
}

}  // namespace

int choose_jpeg_scale(int region_width, int region_height, int min_width, int min_height) {
    if (min_width <= 0 || min_height <= 0) return 1;
    for (const int d : {8, 4, 2})
        if (std::int64_t{region_width} >= std::int64_t{d} * min_width &&
            std::int64_t{region_height} >= std::int64_t{d} * min_height)
            return d;
    return 1;
}

JpegDecoder::JpegDecoder() : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.cinfo.err = jpeg_std_error(&s.err.pub);
    s.err.pub.error_exit = on_error;
    s.err.pub.emit_message = on_message;
    s.err.pub.output_message = no_output;
    if (setjmp(s.err.jump)) fail("libjpeg could not start a decompressor: {}", s.err.message);
    jpeg_create_decompress(&s.cinfo);
}

JpegDecoder::~JpegDecoder() { jpeg_destroy_decompress(&state_->cinfo); }

JpegInfo JpegDecoder::probe(std::span<const std::uint8_t> bytes, const std::filesystem::path& file, bool read_exif) {
    State& s = *state_;
    const AbortOnExit abort_on_exit{&s.cinfo};
    if (setjmp(s.err.jump)) fail("{}: corrupt or truncated JPEG: {}", file.string(), s.err.message);
    read_header(s, bytes, read_exif);
    return {static_cast<int>(s.cinfo.image_width), static_cast<int>(s.cinfo.image_height), s.cinfo.num_components,
            read_exif ? exif_orientation_of(s.cinfo) : 1};
}

Placement JpegDecoder::decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                              const JpegRequest& request, RgbImage& out) {
    State& s = *state_;
    const AbortOnExit abort_on_exit{&s.cinfo};
    if (setjmp(s.err.jump)) fail("{}: corrupt or truncated JPEG: {}", file.string(), s.err.message);
    read_header(s, bytes, false);
    return decode_region(s, file, request, out);
}

}  // namespace lskd::data
