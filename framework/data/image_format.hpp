// The format of an encoded image, told by its magic bytes only: a file's name says nothing (ImageNet has a PNG
// named .JPEG).
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace lskd::data {

enum class ImageFormat { unknown, jpeg, png };

ImageFormat detect_image_format(std::span<const std::uint8_t> bytes);

const char* image_format_name(ImageFormat format);

// The first bytes of `bytes` in hex ("ff d8 ff e0 ..."), for messages about a file of unknown format.
std::string leading_bytes_hex(std::span<const std::uint8_t> bytes, std::size_t count = 8);

}  // namespace lskd::data
