// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: the L2 norm over all gradients
// (accumulated in double) is returned, and gradients are scaled by max_norm / (norm + 1e-6) when that is < 1.
#pragma once
#include <span>

#include "framework/layers/module.hpp"

namespace lskd::optim {

// Parameters without a gradient are ignored. A gradient that shares storage with another tensor is copied
// before scaling, so nothing else is scaled with it.
double clip_grad_norm(std::span<const nn::NamedParameter> params, double max_norm);
double clip_grad_norm(std::span<const Variable> params, double max_norm);

}  // namespace lskd::optim
