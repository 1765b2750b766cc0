// The backward of a ReLU from its output alone, dy·[y > 0], for ops that fuse a ReLU into their forward
// primitive (linear, conv2d, add): the same oneDNN eltwise backward the separate relu op runs, so a fused
// op's gradients equal the unfused op's bit for bit.
#pragma once
#include "framework/tensor/tensor.hpp"

namespace lskd::ops {

// d(loss)/d(pre-activation) from the ReLU's output y and d(loss)/dy (equal shapes); a new tensor. With `bf16` all
// three hold bf16 values (post_ops.hpp, Bf16Io).
Tensor relu_backward(const Tensor& output, const Tensor& grad_output, bool bf16 = false);

}  // namespace lskd::ops
