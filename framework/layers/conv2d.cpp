#include "framework/layers/conv2d.hpp"

#include "framework/core/error.hpp"
#include "framework/layers/init.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

Conv2d::Conv2d(Rng& rng, std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel, std::int64_t stride,
               std::int64_t padding, bool bias)
    : stride_(stride), padding_(padding) {
    if (in_channels <= 0 || out_channels <= 0 || kernel <= 0 || stride <= 0 || padding < 0)
        fail("Conv2d: invalid configuration in={} out={} kernel={} stride={} padding={}", in_channels, out_channels,
             kernel, stride, padding);
    Tensor w = Tensor::empty({out_channels, in_channels, kernel, kernel});
    init::default_weight_(w, rng);
    weight_ = register_parameter("weight", w, ParamKind::weight);
    if (bias) {
        Tensor b = Tensor::empty({out_channels});
        init::default_bias_(b, w.shape(), rng);
        bias_ = register_parameter("bias", b, ParamKind::bias);
    }
}

Variable Conv2d::forward(const Variable& x) { return forward_with(x, {}); }

Variable Conv2d::forward_with(const Variable& x, const ops::PostOps& post) {
    return ops::conv2d(x, weight_, bias_, options(), post);
}

}  // namespace lskd::nn
