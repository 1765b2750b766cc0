// nn::Flatten: [N, d1, d2, ...] → [N, d1·d2·...] without copying; an NHWC map becomes [N, H·W·C] in
// H, W, C order (which differs from PyTorch's C, H, W order on NCHW tensors).
#pragma once
#include "framework/layers/module.hpp"

namespace lskd::nn {

class Flatten : public Module {
public:
    Variable forward(const Variable& x) override;
};

}  // namespace lskd::nn
