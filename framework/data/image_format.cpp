#include "framework/data/image_format.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace lskd::data {
namespace {

template <std::size_t N>
bool starts_with(std::span<const std::uint8_t> bytes, const std::array<std::uint8_t, N>& magic) {
    return bytes.size() >= N && std::equal(magic.begin(), magic.end(), bytes.begin());
}

}  // namespace

ImageFormat detect_image_format(std::span<const std::uint8_t> bytes) {
    // JPEG: SOI then the first byte of the next marker; PNG: its full 8-byte signature.
    if (starts_with(bytes, std::array<std::uint8_t, 3>{0xFF, 0xD8, 0xFF})) return ImageFormat::jpeg;
    if (starts_with(bytes, std::array<std::uint8_t, 8>{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}))
        return ImageFormat::png;
    return ImageFormat::unknown;
}

const char* image_format_name(ImageFormat format) {
    switch (format) {
        case ImageFormat::jpeg: return "JPEG";
        case ImageFormat::png: return "PNG";
        case ImageFormat::unknown: break;
    }
    return "unknown";
}

std::string leading_bytes_hex(std::span<const std::uint8_t> bytes, std::size_t count) {
    const auto first = bytes.first(std::min(count, bytes.size()));
    if (first.empty()) return "(no bytes)";
    return fmt::format("{:02x}", fmt::join(first, " "));
}

}  // namespace lskd::data
