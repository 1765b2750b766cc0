#include "framework/layers/batch_norm.hpp"

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

BatchNorm2d::BatchNorm2d(std::int64_t channels, float eps, float momentum) : eps_(eps), momentum_(momentum) {
    if (channels <= 0) fail("BatchNorm2d: channels must be positive, got {}", channels);
    if (!(eps > 0.0f) || !(momentum >= 0.0f && momentum <= 1.0f))
        fail("BatchNorm2d: need eps > 0 and momentum in [0, 1], got eps={} momentum={}", eps, momentum);
    weight_ = register_parameter("weight", Tensor::full({channels}, 1.0f), ParamKind::norm);
    bias_ = register_parameter("bias", Tensor::zeros({channels}), ParamKind::norm);
    running_mean_ = &register_buffer("running_mean", Tensor::zeros({channels}));
    running_var_ = &register_buffer("running_var", Tensor::full({channels}, 1.0f));
}

Variable BatchNorm2d::forward(const Variable& x) { return forward_with(x, {}); }

Variable BatchNorm2d::forward_with(const Variable& x, const ops::PostOps& post) {
    const ops::BatchNormState state{.running_mean = running_mean_,
                                    .running_var = running_var_,
                                    .momentum = momentum_,
                                    .eps = eps_,
                                    .training = is_training()};
    return ops::batch_norm(x, weight_, bias_, state, post);
}

}  // namespace lskd::nn
