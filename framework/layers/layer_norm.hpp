// nn::LayerNorm: normalises the last dimension D and applies weight and bias [D] (ones and zeros at first, as
// PyTorch's nn.LayerNorm); both are normalisation parameters, outside weight decay.
#pragma once
#include <cstdint>

#include "framework/layers/module.hpp"

namespace lskd::nn {

class LayerNorm : public Module {
public:
    explicit LayerNorm(std::int64_t dim, float eps = 1e-5f);
    Variable forward(const Variable& x) override;

    Variable weight() const { return weight_; }
    Variable bias() const { return bias_; }

private:
    Variable weight_;
    Variable bias_;
    float eps_;
};

}  // namespace lskd::nn
