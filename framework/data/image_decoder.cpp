#include "framework/data/image_decoder.hpp"

#include "framework/core/error.hpp"
#include "framework/data/exif_orientation.hpp"

namespace lskd::data {
namespace {

ImageFormat known_format(std::span<const std::uint8_t> bytes, const std::filesystem::path& file) {
    const ImageFormat format = detect_image_format(bytes);
    if (format == ImageFormat::unknown)
        fail("{}: not a JPEG or PNG file (it starts with {})", file.string(), leading_bytes_hex(bytes));
    return format;
}

ImageGeometry displayed_geometry(ImageFormat format, int stored_width, int stored_height, int orientation) {
    ImageGeometry g;
    g.format = format;
    g.orientation = orientation;
    g.width = swaps_axes(orientation) ? stored_height : stored_width;
    g.height = swaps_axes(orientation) ? stored_width : stored_height;
    return g;
}

}  // namespace

ImageGeometry ImageDecoder::probe(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                                  bool honour_exif) {
    const ImageFormat format = known_format(bytes, file);
    if (format == ImageFormat::jpeg) {
        const JpegInfo info = jpeg_.probe(bytes, file, honour_exif);
        return displayed_geometry(format, info.width, info.height, info.orientation);
    }
    const PngInfo info = png_.probe(bytes, file);
    return displayed_geometry(format, info.width, info.height, honour_exif ? info.orientation : 1);
}

ImageGeometry ImageDecoder::decode(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                                   const DecodeRequest& request, RgbImage& out) {
    return known_format(bytes, file) == ImageFormat::jpeg ? decode_jpeg(bytes, file, request, out)
                                                          : decode_png(bytes, file, request, out);
}

// A JPEG's region is mapped to stored coordinates and decoded there (scaled and cropped), then turned.
ImageGeometry ImageDecoder::decode_jpeg(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                                        const DecodeRequest& request, RgbImage& out) {
    ImageGeometry g = probe(bytes, file, request.honour_exif);
    const bool turned = g.orientation != 1;
    const int stored_w = swaps_axes(g.orientation) ? g.height : g.width;
    const int stored_h = swaps_axes(g.orientation) ? g.width : g.height;
    JpegRequest stored;
    if (request.region) {
        check_region(*request.region, g.width, g.height, file);
        stored.region = stored_rect(*request.region, g.orientation, stored_w, stored_h);
    }
    stored.min_width = swaps_axes(g.orientation) ? request.min_height : request.min_width;
    stored.min_height = swaps_axes(g.orientation) ? request.min_width : request.min_height;
    stored.max_pixels = request.max_pixels;
    RgbImage& target = turned ? stored_ : out;
    const Placement p = jpeg_.decode(bytes, file, stored, target);
    if (!turned) {
        g.placement = p;
        return g;
    }
    apply_orientation(stored_, g.orientation, out);
    // The decoded block, in full-size stored pixels, turned like the pixels were.
    const PixelRegion block{p.x0, p.y0, static_cast<int>(stored_.width * p.scale),
                            static_cast<int>(stored_.height * p.scale)};
    const PixelRegion shown = displayed_rect(block, g.orientation, stored_w, stored_h);
    g.placement = {p.scale, shown.x, shown.y};
    return g;
}

// A PNG is never scaled; when it has an orientation to apply it is decoded whole, turned, then cut to the region.
ImageGeometry ImageDecoder::decode_png(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                                       const DecodeRequest& request, RgbImage& out) {
    const int orientation = request.honour_exif ? png_.probe(bytes, file).orientation : 1;
    if (orientation == 1) {
        const PngInfo info = png_.decode(bytes, file, request.region, request.max_pixels, out);
        ImageGeometry g = displayed_geometry(ImageFormat::png, info.width, info.height, 1);
        if (request.region) g.placement = {1, request.region->x, request.region->y};
        return g;
    }
    const PngInfo info = png_.decode(bytes, file, std::nullopt, request.max_pixels, stored_);
    ImageGeometry g = displayed_geometry(ImageFormat::png, info.width, info.height, orientation);
    if (!request.region) {
        apply_orientation(stored_, orientation, out);
        return g;
    }
    check_region(*request.region, g.width, g.height, file);
    apply_orientation(stored_, orientation, oriented_);
    copy_region(oriented_, *request.region, out);
    g.placement = {1, request.region->x, request.region->y};
    return g;
}

}  // namespace lskd::data
