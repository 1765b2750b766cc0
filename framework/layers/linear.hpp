// nn::Linear: y = x·Wᵀ + b for x [N, in], with W [out, in] and b [out] initialised as PyTorch's default
// (U(±1/√in) for both) from the given Rng.
#pragma once
#include <cstdint>

#include "framework/core/random.hpp"
#include "framework/layers/module.hpp"

namespace lskd::nn {

class Linear : public Module {
public:
    Linear(Rng& rng, std::int64_t in_features, std::int64_t out_features, bool bias = true);

    Variable forward(const Variable& x) override;
    ops::PostOps fusable_post_ops() const override { return {.relu = true}; }  // inside the inner product
    Variable forward_with(const Variable& x, const ops::PostOps& post) override;

    Variable weight() const { return weight_; }  // a handle on the parameter itself
    Variable bias() const { return bias_; }      // undefined without a bias
    std::int64_t in_features() const { return weight_.dim(1); }
    std::int64_t out_features() const { return weight_.dim(0); }

private:
    Variable weight_;
    Variable bias_;
};

}  // namespace lskd::nn
