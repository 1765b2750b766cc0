#include "framework/data/exif_orientation.hpp"

#include <cstring>

namespace lskd::data {
namespace {

// Every orientation as a transpose followed by flips, read from displayed to stored pixels: with
// (a, b) = swap ? (Y, X) : (X, Y), the stored pixel is (flip_x ? W-1-a : a, flip_y ? H-1-b : b).
struct Turn {
    bool swap, flip_x, flip_y;
};

Turn turn_of(int orientation) {
    switch (orientation) {
        case 2: return {false, true, false};
        case 3: return {false, true, true};
        case 4: return {false, false, true};
        case 5: return {true, false, false};
        case 6: return {true, false, true};
        case 7: return {true, true, true};
        case 8: return {true, true, false};
        default: return {false, false, false};
    }
}

struct TiffReader {
    std::span<const std::uint8_t> bytes;
    bool big_endian;

    bool has(std::size_t offset, std::size_t size) const {
        return offset <= bytes.size() && size <= bytes.size() - offset;
    }
    std::uint32_t u16(std::size_t at) const {
        return big_endian ? (bytes[at] << 8 | bytes[at + 1]) : (bytes[at + 1] << 8 | bytes[at]);
    }
    std::uint32_t u32(std::size_t at) const {
        return big_endian ? (u16(at) << 16 | u16(at + 2)) : (u16(at + 2) << 16 | u16(at));
    }
};

constexpr std::uint32_t kOrientationTag = 0x0112;
constexpr std::uint32_t kShort = 3, kLong = 4;

}  // namespace

int orientation_from_tiff(std::span<const std::uint8_t> tiff) {
    if (tiff.size() < 8) return 1;
    const bool ii = tiff[0] == 'I' && tiff[1] == 'I', mm = tiff[0] == 'M' && tiff[1] == 'M';
    if (!ii && !mm) return 1;
    const TiffReader r{tiff, mm};
    if (r.u16(2) != 42) return 1;
    const std::size_t ifd = r.u32(4);
    if (!r.has(ifd, 2)) return 1;
    const std::size_t entries = r.u16(ifd);
    for (std::size_t i = 0; i < entries; ++i) {
        const std::size_t at = ifd + 2 + 12 * i;
        if (!r.has(at, 12)) return 1;
        if (r.u16(at) != kOrientationTag) continue;
        const std::uint32_t type = r.u16(at + 2), count = r.u32(at + 4);
        if (count != 1 || (type != kShort && type != kLong)) return 1;
        // A value of one SHORT or LONG sits in the entry itself, at the start of its 4-byte value field.
        const std::uint32_t value = type == kShort ? r.u16(at + 8) : r.u32(at + 8);
        return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
    }
    return 1;
}

int orientation_from_app1(std::span<const std::uint8_t> app1) {
    static constexpr std::uint8_t kExif[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (app1.size() < 6 || std::memcmp(app1.data(), kExif, 6) != 0) return 1;
    return orientation_from_tiff(app1.subspan(6));
}

void apply_orientation(const RgbImage& in, int orientation, RgbImage& out) {
    const Turn t = turn_of(orientation);
    const int w = in.width, h = in.height;
    if (t.swap)
        out.resize(h, w);
    else
        out.resize(w, h);
    for (int y = 0; y < out.height; ++y) {
        std::uint8_t* dst = out.row(y);
        for (int x = 0; x < out.width; ++x, dst += 3) {
            const int a = t.swap ? y : x, b = t.swap ? x : y;
            const int sx = t.flip_x ? w - 1 - a : a, sy = t.flip_y ? h - 1 - b : b;
            std::memcpy(dst, in.row(sy) + static_cast<std::size_t>(sx) * 3, 3);
        }
    }
}

PixelRegion stored_rect(const PixelRegion& d, int orientation, int stored_width, int stored_height) {
    const Turn t = turn_of(orientation);
    PixelRegion s = t.swap ? PixelRegion{d.y, d.x, d.height, d.width} : d;
    if (t.flip_x) s.x = stored_width - s.x - s.width;
    if (t.flip_y) s.y = stored_height - s.y - s.height;
    return s;
}

PixelRegion displayed_rect(const PixelRegion& s, int orientation, int stored_width, int stored_height) {
    const Turn t = turn_of(orientation);
    PixelRegion d = s;
    if (t.flip_x) d.x = stored_width - s.x - s.width;
    if (t.flip_y) d.y = stored_height - s.y - s.height;
    return t.swap ? PixelRegion{d.y, d.x, d.height, d.width} : d;
}

}  // namespace lskd::data
