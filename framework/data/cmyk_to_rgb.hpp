// CMYK pixels (as libjpeg returns them, also for YCCK files) to RGB, with PIL's convert("RGB") arithmetic so the
// colours match PIL's. Adobe files store the inks inverted (255 = no ink): `inverted` says so.
#pragma once
#include <cstdint>

namespace lskd::data {

void cmyk_to_rgb(const std::uint8_t* cmyk, std::uint8_t* rgb, int pixels, bool inverted);

}  // namespace lskd::data
