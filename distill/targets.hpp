// Target distributions for the one soft-target loss: label-smoothed one-hot targets and a teacher's
// softened outputs. Written into caller-owned tensors so a training step allocates nothing.
#pragma once
#include <cstdint>
#include <span>

#include "framework/tensor/tensor.hpp"

namespace lskd::distill {

// out[i] = (1 − α)·onehot(labels[i]) + α/K, for out [N, K].
void smoothed_targets(std::span<const std::int32_t> labels, double alpha, Tensor& out);

// out[i] = softmax(teacher_logits[i] / T), for [N, K] tensors.
void softened_targets(const Tensor& teacher_logits, double temperature, Tensor& out);

}  // namespace lskd::distill
