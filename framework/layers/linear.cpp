#include "framework/layers/linear.hpp"

#include "framework/core/error.hpp"
#include "framework/layers/init.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

Linear::Linear(Rng& rng, std::int64_t in_features, std::int64_t out_features, bool bias) {
    if (in_features <= 0 || out_features <= 0)
        fail("Linear: features must be positive, got in={} out={}", in_features, out_features);
    // Weight before bias, as PyTorch's reset_parameters draws them.
    Tensor w = Tensor::empty({out_features, in_features});
    init::default_weight_(w, rng);
    weight_ = register_parameter("weight", w, ParamKind::weight);
    if (bias) {
        Tensor b = Tensor::empty({out_features});
        init::default_bias_(b, w.shape(), rng);
        bias_ = register_parameter("bias", b, ParamKind::bias);
    }
}

Variable Linear::forward(const Variable& x) { return forward_with(x, {}); }
Variable Linear::forward_with(const Variable& x, const ops::PostOps& post) {
    return ops::linear(x, weight_, bias_, post);
}

}  // namespace lskd::nn
