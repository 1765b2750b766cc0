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

// keep ? a : b, for keep all ones or all zeros.
inline float select(std::uint32_t keep, float a, float b) {
    return std::bit_cast<float>((std::bit_cast<std::uint32_t>(a) & keep) | (std::bit_cast<std::uint32_t>(b) & ~keep));
}

// One image n; the channel loops are innermost and branch-free, so they vectorise over C.
[[gnu::always_inline]] inline void forward_image(const float* x, float* y, std::uint8_t* argmax,
                                                 const MaxPoolGeometry& g, bool relu, std::int64_t n) {
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
                        // oneDNN's relu, x > 0 ? x : 0·x, as a mask: a select GCC would turn back into a
                        // conditional store, which does not vectorise.
                        const float v = yo[k];
                        const std::uint32_t keep = __builtin_isgreater(v, 0.0f) ? ~0u : 0u;
                        yo[k] = select(keep, v, 0.0f * v);
                        where[k] = select(keep, where[k], static_cast<float>(kNoArgmax));
                    }
                std::uint8_t* __restrict ao = argmax + out;
                for (std::int64_t k = 0; k < cc; ++k) ao[k] = static_cast<std::uint8_t>(where[k]);
            }
}

// One image n of the backward pass.
[[gnu::always_inline]] inline void backward_image(const float* gy, const std::uint8_t* argmax, float* gx,
                                                  const MaxPoolGeometry& g, bool tiles, std::int64_t n) {
    const std::int64_t c = g.c;
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
}

// Each kernel for the baseline x86-64 the package targets, for AVX2 and for AVX-512, which best_host_isa() picks
// from at run time; flatten inlines the loops' helpers, so that they too are compiled for the variant's ISA.
#define LSKD_MAX_POOL_VARIANT(isa, ...)                                                                               \
    __VA_ARGS__ void forward_##isa(const float* x, float* y, std::uint8_t* argmax, const MaxPoolGeometry& g,          \
                                   bool relu, std::int64_t n) {                                                       \
        forward_image(x, y, argmax, g, relu, n);                                                                      \
    }                                                                                                                 \
    __VA_ARGS__ void backward_##isa(const float* gy, const std::uint8_t* argmax, float* gx, const MaxPoolGeometry& g, \
                                    bool tiles, std::int64_t n) {                                                     \
        backward_image(gy, argmax, gx, g, tiles, n);                                                                  \
    }
LSKD_MAX_POOL_VARIANT(baseline, [[gnu::flatten]])
LSKD_MAX_POOL_VARIANT(avx2, [[gnu::flatten, gnu::target("avx2")]])
LSKD_MAX_POOL_VARIANT(avx512, [[gnu::flatten, gnu::target("avx512f")]])
#undef LSKD_MAX_POOL_VARIANT

using ForwardImage = void (*)(const float*, float*, std::uint8_t*, const MaxPoolGeometry&, bool, std::int64_t);
using BackwardImage = void (*)(const float*, const std::uint8_t*, float*, const MaxPoolGeometry&, bool, std::int64_t);
constexpr ForwardImage kForward[] = {forward_baseline, forward_avx2, forward_avx512};
constexpr BackwardImage kBackward[] = {backward_baseline, backward_avx2, backward_avx512};

}  // namespace

HostIsa best_host_isa() {
    // __builtin_cpu_supports also checks that the OS saves the registers (XGETBV), as a VM may not.
    static const HostIsa isa = __builtin_cpu_supports("avx512f") ? HostIsa::avx512
                               : __builtin_cpu_supports("avx2")  ? HostIsa::avx2
                                                                 : HostIsa::baseline;
    return isa;
}

// Images are split over the threads, each writing only its own outputs.
void max_pool_forward_argmax(const float* x, float* y, std::uint8_t* argmax, const MaxPoolGeometry& g, bool relu,
                             HostIsa isa) {
    const ForwardImage image = kForward[static_cast<int>(isa)];
    runtime::parallel_for(g.n, [&](std::int64_t n) { image(x, y, argmax, g, relu, n); });
}

void max_pool_backward_argmax(const float* gy, const std::uint8_t* argmax, float* gx, const MaxPoolGeometry& g,
                              HostIsa isa) {
    const bool tiles = g.stride_h == g.kh && g.stride_w == g.kw && g.pad_h == 0 && g.pad_w == 0 && g.oh * g.kh == g.h &&
                       g.ow * g.kw == g.w;
    const BackwardImage image = kBackward[static_cast<int>(isa)];
    runtime::parallel_for(g.n, [&](std::int64_t n) { image(gy, argmax, gx, g, tiles, n); });
}

}  // namespace lskd::ops::detail
