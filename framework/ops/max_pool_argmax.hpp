// Max pooling for training on NHWC float buffers, with the argmax of each window (its index kh·KW + kw, one
// byte) recorded for backward. oneDNN 2.6's AVX2 kernel for max pooling with a workspace on NHWC runs 3-4x
// slower than its own inference kernel, so training takes this path; inference keeps oneDNN's.
#pragma once
#include <cstdint>

namespace lskd::ops::detail {

struct MaxPoolGeometry {
    std::int64_t n, h, w, c;  // input NHWC
    std::int64_t oh, ow;      // output spatial size
    std::int64_t kh, kw, stride_h, stride_w, pad_h, pad_w;
};

// Windows larger than this cannot be recorded in one byte.
constexpr std::int64_t kMaxPoolArgmaxWindow = 256;

// y[n, oh, ow, c] = max over the window's in-bounds positions (padding never wins; the first maximum in
// window order on ties, as oneDNN), argmax[same index] = its window index.
void max_pool_forward_argmax(const float* x, float* y, std::uint8_t* argmax, const MaxPoolGeometry& g);
// gx = 0, then each output gradient is added at its window's argmax (windows may overlap).
void max_pool_backward_argmax(const float* gy, const std::uint8_t* argmax, float* gx, const MaxPoolGeometry& g);

}  // namespace lskd::ops::detail
