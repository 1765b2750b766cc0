// The engine's differentiable ops for sequence models (docs/method.md §15). Activations are row-major tensors whose
// last dimension is the feature or vocabulary axis; token ids are int32 beside them. Like the ops of ops.hpp each
// runs cached oneDNN primitives where oneDNN 2.6 has one, records a graph node when an input requires grad and grad
// mode is on, and is checked against finite differences in tests/ops.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "framework/autograd/variable.hpp"

namespace lskd::ops {

// Rows of `table` [V, D] picked by `ids` (ids.size() = product of `ids_shape`, each in [0, V)) → ids_shape × [D].
// Backward scatter-adds into the table's gradient (ids repeat). An id out of range is an Error naming it.
Variable embedding(const Variable& table, std::span<const std::int32_t> ids, const Shape& ids_shape);

// a [B, M, K] · b [B, K, N] (or bᵀ with b [B, N, K] when transpose_b) times `scale` → [B, M, N], on oneDNN's
// matmul with the scale as its output scale (attention's 1/√d).
Variable batched_matmul(const Variable& a, const Variable& b, bool transpose_b = false, float scale = 1.0f);

// The dimensions of a rank-4 x reordered: out.dim(i) = x.dim(order[i]) (splitting and merging attention heads:
// [B, L, H, d] ↔ [B, H, L, d]), on oneDNN's reorder.
Variable permute(const Variable& x, const std::vector<int>& order);

// (x − mean) / √(var + eps) · gamma + beta over the last dimension D of x, gamma and beta [D] (PyTorch's LayerNorm).
Variable layer_norm(const Variable& x, const Variable& gamma, const Variable& beta, float eps = 1e-5f);

// softmax(scores + mask) over the last dimension, scores [B, H, Lq, Lk] and an additive mask [B, 1 or Lq, Lk]
// broadcast over heads (and over queries when its second dimension is 1): 0 where a key is seen, −1e9 where it is
// hidden (never −inf). A row whose every key is hidden is uniform over its keys, as −1e9 everywhere gives.
Variable masked_softmax(const Variable& scores, const Tensor& mask);

// GELU in its exact erf form (PyTorch's default), elementwise.
Variable gelu(const Variable& x);

// Σ_i w_i · (−Σ_v q_iv log softmax(z_i / T)_v) / Σ_i w_i, for logits z [N, V] (N tokens), target distributions
// q [N, V] and token weights w [N] (0 for padding, 1 otherwise). Returns a scalar [1]; a batch of padding alone is
// an Error. Label smoothing and teacher outputs are both targets q; how padding and EOS count in K is §15's.
Variable token_cross_entropy(const Variable& logits, const Tensor& target_probs, std::span<const float> weights,
                             float temperature = 1.0f);

}  // namespace lskd::ops
