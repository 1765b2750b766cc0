// The shape of one convolution (NHWC input, OIHW weight, square stride and padding), shared by conv2d's f32 and
// bf16 paths.
#pragma once
#include <cstdint>

#include "framework/tensor/tensor.hpp"

namespace lskd::ops {

struct ConvGeometry {
    std::int64_t n, h, w, c, o, kh, kw, stride, pad, ho, wo;
    bool bias;
    bool relu;
    bool sum = false;  // inference only: the destination's previous contents are added before the ReLU
};

// The geometry of x NHWC [N, H, W, C] convolved with w OIHW [O, C, kh, kw], every shape checked (lskd::Error
// naming both shapes otherwise); b may be null or undefined. Defined in conv2d.cpp.
ConvGeometry conv_geometry(const Tensor& x, const Tensor& w, const Tensor* b, std::int64_t stride,
                           std::int64_t padding);

}  // namespace lskd::ops
