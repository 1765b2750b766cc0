#include "framework/layers/layer_norm.hpp"

#include "framework/core/error.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::nn {

LayerNorm::LayerNorm(std::int64_t dim, float eps) : eps_(eps) {
    if (dim <= 0) fail("LayerNorm: dimension must be positive, got {}", dim);
    weight_ = register_parameter("weight", Tensor::full({dim}, 1.0f), ParamKind::norm);
    bias_ = register_parameter("bias", Tensor::zeros({dim}), ParamKind::norm);
}

Variable LayerNorm::forward(const Variable& x) { return ops::layer_norm(x, weight_, bias_, eps_); }

}  // namespace lskd::nn
