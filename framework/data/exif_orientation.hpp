// EXIF orientation: reading the Orientation tag (0x0112 of IFD0) from EXIF bytes that may be corrupt, and
// turning a stored image into its displayed orientation as PIL's ImageOps.exif_transpose does.
#pragma once
#include <cstdint>
#include <span>

#include "framework/data/rgb_image.hpp"

namespace lskd::data {

// The orientation (1..8) in a TIFF-structured EXIF block (starting "II*\0" or "MM\0*"), as PNG's eXIf chunk holds
// it; 1 when the block is malformed, has no Orientation tag, or holds a value outside 1..8 (PIL ignores those).
int orientation_from_tiff(std::span<const std::uint8_t> tiff);

// The same for a JPEG APP1 payload, which starts "Exif\0\0" before the TIFF block; 1 for any other APP1.
int orientation_from_app1(std::span<const std::uint8_t> app1);

// Orientations 5..8 turn the image by a quarter: displayed width = stored height.
inline bool swaps_axes(int orientation) { return orientation >= 5 && orientation <= 8; }

// `out` = `in` (stored pixels) as displayed under `orientation`; `out` must not be `in`.
void apply_orientation(const RgbImage& in, int orientation, RgbImage& out);

// A rectangle of the displayed image as a rectangle of the stored stored_width x stored_height image, and back.
PixelRegion stored_rect(const PixelRegion& displayed, int orientation, int stored_width, int stored_height);
PixelRegion displayed_rect(const PixelRegion& stored, int orientation, int stored_width, int stored_height);

}  // namespace lskd::data
