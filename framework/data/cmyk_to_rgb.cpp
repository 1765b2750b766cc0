#include "framework/data/cmyk_to_rgb.hpp"

namespace lskd::data {
namespace {

// a * b / 255 rounded, computed as Pillow's MULDIV255 (Convert.c) computes it.
inline int muldiv255(int a, int b) {
    const int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
}

}  // namespace

void cmyk_to_rgb(const std::uint8_t* cmyk, std::uint8_t* rgb, int pixels, bool inverted) {
    const int flip = inverted ? 255 : 0;
    for (int i = 0; i < pixels; ++i, cmyk += 4, rgb += 3) {
        // Pillow's cmyk2rgb on ink amounts: channel = (255 - k) - ink * (255 - k) / 255, never below 0.
        const int no_k = 255 - (cmyk[3] ^ flip);
        for (int c = 0; c < 3; ++c) rgb[c] = static_cast<std::uint8_t>(no_k - muldiv255(cmyk[c] ^ flip, no_k));
    }
}

}  // namespace lskd::data
