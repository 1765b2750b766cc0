#include "framework/ops/max_pool_argmax.hpp"

#include <algorithm>
#include <bit>

#include "framework/runtime/parallel_for.hpp"

namespace lskd::ops::detail {

namespace {
// Channels per pass: the window index is tracked in a float array on the stack, so that the comparison loop
// has one element type and vectorises (a float/byte mix does not).
constexpr std::int64_t kChannelChunk = 256;

// body(pixel, index) for each pixel of output (oh, ow)'s window inside the image, in window order: `pixel` is
// its offset within the image (ih·W + iw), `index` its place in the window (i·kw + j), what argmax records.
template <typename Body>
void for_each_window_pixel(const MaxPoolGeometry& g, std::int64_t oh, std::int64_t ow, const Body& body) {
    for (std::int64_t i = 0; i < g.kh; ++i) {
        const std::int64_t ih = oh * g.stride_h - g.pad_h + i;
        if (ih < 0 || ih >= g.h) continue;
        for (std::int64_t j = 0; j < g.kw; ++j) {
            const std::int64_t iw = ow * g.stride_w - g.pad_w + j;
            if (iw < 0 || iw >= g.w) continue;
            body(ih * g.w + iw, i * g.kw + j);
        }
    }
}
}  // namespace

// Images are split over the threads, each writing only its own outputs. The channel loops are innermost and
// branch-free, so they vectorise over C.
void max_pool_forward_argmax(const float* x, float* y, std::uint8_t* argmax, const MaxPoolGeometry& g, bool relu) {
    runtime::parallel_for(g.n, [&](std::int64_t n) {
        float where[kChannelChunk];
        for (std::int64_t oh = 0; oh < g.oh; ++oh)
            for (std::int64_t ow = 0; ow < g.ow; ++ow)
                for (std::int64_t c0 = 0; c0 < g.c; c0 += kChannelChunk) {
                    const std::int64_t cc = std::min(kChannelChunk, g.c - c0);
                    const std::int64_t out = ((n * g.oh + oh) * g.ow + ow) * g.c + c0;
                    float* __restrict yo = y + out;
                    bool first = true;
                    for_each_window_pixel(g, oh, ow, [&](std::int64_t pixel, std::int64_t window_index) {
                        const float* __restrict xi = x + (n * g.h * g.w + pixel) * g.c + c0;
                        const auto index = static_cast<float>(window_index);
                        if (first) {
                            std::copy(xi, xi + cc, yo);
                            std::fill(where, where + cc, index);
                            first = false;
                            return;
                        }
                        for (std::int64_t k = 0; k < cc; ++k) {
                            const float a = xi[k], b = yo[k], w = where[k];
                            const bool greater = __builtin_isgreater(a, b);  // quiet: no trap, so it vectorises
                            yo[k] = greater ? a : b;
                            where[k] = greater ? index : w;
                        }
                    });
                    if (relu)
                        for (std::int64_t k = 0; k < cc; ++k) {
                            const bool positive = yo[k] > 0.0f;
                            yo[k] = positive ? yo[k] : 0.0f * yo[k];  // oneDNN's relu: x > 0 ? x : 0·x
                            where[k] = positive ? where[k] : static_cast<float>(kNoArgmax);
                        }
                    std::uint8_t* __restrict ao = argmax + out;
                    for (std::int64_t k = 0; k < cc; ++k) ao[k] = static_cast<std::uint8_t>(where[k]);
                }
    });
}

void max_pool_backward_argmax(const float* gy, const std::uint8_t* argmax, float* gx, const MaxPoolGeometry& g) {
    const std::int64_t c = g.c;
    const bool tiles = g.stride_h == g.kh && g.stride_w == g.kw && g.pad_h == 0 && g.pad_w == 0 && g.oh * g.kh == g.h &&
                       g.ow * g.kw == g.w;
    runtime::parallel_for(g.n, [&](std::int64_t n) {
        const std::int64_t image = g.h * g.w * c;
        if (!tiles) std::fill(gx + n * image, gx + (n + 1) * image, 0.0f);
        for (std::int64_t oh = 0; oh < g.oh; ++oh)
            for (std::int64_t ow = 0; ow < g.ow; ++ow) {
                const std::int64_t out = ((n * g.oh + oh) * g.ow + ow) * c;
                const float* __restrict go = gy + out;
                const std::uint8_t* __restrict ao = argmax + out;
                for_each_window_pixel(g, oh, ow, [&](std::int64_t pixel, std::int64_t window_index) {
                    float* __restrict gi = gx + (n * g.h * g.w + pixel) * c;
                    const auto index = static_cast<std::uint8_t>(window_index);
                    // The gradient masked to +0 elsewhere, unconditionally (a conditional write does not
                    // vectorise): assigned where windows tile, else added to the +0 of the fill.
                    if (tiles)
                        for (std::int64_t k = 0; k < c; ++k) {
                            const std::uint32_t keep = ao[k] == index ? ~0u : 0u;
                            gi[k] = std::bit_cast<float>(std::bit_cast<std::uint32_t>(go[k]) & keep);
                        }
                    else
                        for (std::int64_t k = 0; k < c; ++k) {
                            const std::uint32_t keep = ao[k] == index ? ~0u : 0u;
                            gi[k] += std::bit_cast<float>(std::bit_cast<std::uint32_t>(go[k]) & keep);
                        }
                });
            }
    });
}

}  // namespace lskd::ops::detail
