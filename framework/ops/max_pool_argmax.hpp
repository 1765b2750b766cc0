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

// Windows larger than this cannot be recorded in one byte (index 255 marks an output without gradient).
constexpr std::int64_t kMaxPoolArgmaxWindow = 255;
constexpr std::uint8_t kNoArgmax = 255;

// The instruction set of the kernels below: the baseline x86-64 the package is built for, AVX2 or AVX-512F. By
// default the best the CPU (and OS) supports. They compare, select and multiply by zero only, so every variant gives
// the same bits; tests compare them.
enum class HostIsa { baseline, avx2, avx512 };
HostIsa best_host_isa();

// y[n, oh, ow, c] = max over the window's in-bounds positions (padding never wins; the first maximum in
// window order on ties, as oneDNN), argmax[same index] = its window index. With relu, y = max(0, that)
// (with oneDNN's relu formula, so equal to pooling the ReLU's output: max and ReLU commute), and an
// output the ReLU clipped records kNoArgmax, so backward passes it no gradient.
void max_pool_forward_argmax(const float* x, float* y, std::uint8_t* argmax, const MaxPoolGeometry& g, bool relu,
                             HostIsa isa = best_host_isa());
// Each output gradient goes to its window's argmax. Windows that tile the input exactly (stride = kernel,
// no padding, no remainder) assign every element of gx once; otherwise gx = 0 first and windows add.
void max_pool_backward_argmax(const float* gy, const std::uint8_t* argmax, float* gx, const MaxPoolGeometry& g,
                              HostIsa isa = best_host_isa());

}  // namespace lskd::ops::detail
