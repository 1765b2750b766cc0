// Target distributions for the one soft-target loss: label-smoothed one-hot targets and a teacher's
// softened outputs. Written into caller-owned tensors so a training step allocates nothing.
#pragma once
#include <cstdint>
#include <span>

#include "framework/tensor/tensor.hpp"

namespace lskd::distill {

// out[i] = (1 − α)·onehot(labels[i]) + α/K, for out [N, K].
void smoothed_targets(std::span<const std::int32_t> labels, double alpha, Tensor& out);

// Targets of a batch's tokens (docs/method.md §15), for out [N, V] and N target ids: out[i] = (1 − α)·onehot(t_i) +
// α/K over the K = V − 2 tokens a decoder emits (PAD and BOS are never targets and get 0; EOS and UNK count), and an
// all-zero row where t_i is PAD; weights[i] = 0 there and 1 elsewhere.
void smoothed_token_targets(std::span<const std::int32_t> targets, double alpha, Tensor& out, std::span<float> weights);

// out[i] = softmax(teacher_logits[i] / T), for [N, K] tensors.
void softened_targets(const Tensor& teacher_logits, double temperature, Tensor& out);

}  // namespace lskd::distill
