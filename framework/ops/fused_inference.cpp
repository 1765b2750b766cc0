// Fused inference kernels. InferenceConv runs conv2d's cached forward_inference primitive (conv2d.cpp: explicit
// NHWC activations, weights reordered into the primitive's format once per version of the weight tensor) with
// the post-ops [sum] then [eltwise ReLU], so dst = relu(conv(x) + bias + dst) in one pass over the output.
// linear_inference is defined in linear.cpp, on linear's own cached primitives.
#include "framework/ops/fused_inference.hpp"

#include "framework/core/error.hpp"

namespace lskd::ops {

InferenceConv::InferenceConv(const Shape& weight_shape, Conv2dOptions options, PostOps post)
    : options_(options), post_(post) {
    if (weight_shape.rank() != 4 || weight_shape.numel() == 0)
        fail("fused conv: weight must be a non-empty OIHW [O, C, kh, kw], got {}", weight_shape.str());
    if (options.stride < 1 || options.padding < 0)
        fail("fused conv: need stride >= 1 and padding >= 0, got stride {} padding {}", options.stride,
             options.padding);
    weight_ = Variable(Tensor::zeros(weight_shape), false);
    bias_ = Tensor::zeros({weight_shape[0]});
}

Tensor InferenceConv::run(const Tensor& x, Bf16Io io) {
    LSKD_CHECK(!post_.sum, "fused conv with a sum post-op needs run_into");
    Tensor y = Tensor::empty(conv2d_output_shape(x, weight_.value(), options_.stride, options_.padding));
    conv2d_inference(x, weight_, bias_, options_, post_, y, io);
    return y;
}

void InferenceConv::run_into(const Tensor& x, Tensor& dst, bool bf16_input) {
    LSKD_CHECK(post_.sum, "fused conv without a sum post-op writes a new output: use run");
    const Shape out = conv2d_output_shape(x, weight_.value(), options_.stride, options_.padding);
    if (!(dst.shape() == out))
        fail("fused conv: the residual {} does not match the convolution's output {}", dst.shape().str(), out.str());
    conv2d_inference(x, weight_, bias_, options_, post_, dst, {.input = bf16_input});
}

}  // namespace lskd::ops
