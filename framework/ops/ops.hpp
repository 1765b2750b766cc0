// The engine's differentiable ops. Activations are [N, C] or NHWC [N, H, W, C]; weights are [out, in] or
// OIHW. Each op runs oneDNN primitives (cached per shape) forward and backward, records a graph node when
// an input requires grad and grad mode is on, and uses inference primitives otherwise. Ops that can run an
// epilogue inside their primitive take it as ops::PostOps (post_ops.hpp), filled by the fusion plan alone.
#pragma once
#include <cstdint>

#include "framework/autograd/variable.hpp"
#include "framework/ops/post_ops.hpp"

namespace lskd::ops {

// x [N, in] · wᵀ [in, out] + b [out]; b may be undefined. Post-op relu: an eltwise post-op of the inner product.
Variable linear(const Variable& x, const Variable& w, const Variable& b, const PostOps& post = {});

struct Conv2dOptions {
    std::int64_t stride = 1;
    std::int64_t padding = 0;
};
// x NHWC [N, H, W, C], w OIHW [O, C, kh, kw], b [O] or undefined → NHWC [N, H', W', O]. Post-op relu: an eltwise
// post-op of the convolution.
Variable conv2d(const Variable& x, const Variable& w, const Variable& b, Conv2dOptions options = {},
                const PostOps& post = {});

struct Pool2dOptions {
    std::int64_t kernel = 2;
    std::int64_t stride = 2;
    std::int64_t padding = 0;
};
// Post-op relu: relu(max_pool2d(x)), which equals max_pool2d(relu(x)) in values and gradients (max and ReLU are
// both monotone, so they commute), inside the training kernel at no extra pass.
Variable max_pool2d(const Variable& x, Pool2dOptions options, const PostOps& post = {});
// Padding counts towards the divisor, as PyTorch's default (count_include_pad=True).
Variable avg_pool2d(const Variable& x, Pool2dOptions options);
// NHWC [N, H, W, C] → [N, C].
Variable global_avg_pool(const Variable& x);

struct BatchNormState {
    Tensor* running_mean = nullptr;  // [C], updated in training mode
    Tensor* running_var = nullptr;   // [C], unbiased batch variance enters the running average (PyTorch)
    float momentum = 0.1f;
    float eps = 1e-5f;
    bool training = true;
};
// x [N, C] or NHWC, gamma and beta [C]. Training normalises with batch statistics and updates the
// running averages; evaluation uses the running averages. Post-op relu: oneDNN's fuse_norm_relu (a bit mask of
// the positive outputs is kept for backward), instead of a separate ReLU pass forward and backward.
Variable batch_norm(const Variable& x, const Variable& gamma, const Variable& beta, const BatchNormState& state,
                    const PostOps& post = {});

Variable relu(const Variable& x);
// Elementwise a + b of equal shapes (residual connections). Post-op relu: an eltwise post-op of the binary add.
Variable add(const Variable& a, const Variable& b, const PostOps& post = {});
// Same data, another shape of equal element count (flatten an NHWC map to [N, H·W·C]).
Variable reshape(const Variable& x, const Shape& shape);
// Rows [begin, end) of the first dimension, copied (attention's query, key and value parts of in_proj_weight).
Variable narrow(const Variable& x, std::int64_t begin, std::int64_t end);
// s · x elementwise (embeddings scaled by √d).
Variable scale(const Variable& x, float s);
// Log-softmax over the last dimension of [N, K].
Variable log_softmax(const Variable& x);

// Mean over the batch of −Σ_k q_k · log softmax(z / T)_k, for logits z [N, K] and target distributions
// q [N, K] (hard labels, label smoothing and teacher outputs alike). Returns a scalar [1].
Variable soft_target_cross_entropy(const Variable& logits, const Tensor& target_probs, float temperature = 1.0f);

// weight · mean over the batch of ½‖z_i − t_i‖² for z, t [N, K] (logit matching). Returns a scalar [1].
Variable squared_error(const Variable& z, const Tensor& target, float weight = 1.0f);

// Zeroes each element with probability p and scales the rest by 1/(1−p); the mask is a pure function of
// (seed, counter, element), so a run is reproducible. Identity when !training or p == 0.
Variable dropout(const Variable& x, float p, bool training, std::uint64_t seed, std::uint64_t counter);

}  // namespace lskd::ops
