#include "framework/layers/dropout.hpp"

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

Dropout::Dropout(float p, std::uint64_t seed) : p_(p), seed_(seed), counter_(&register_counter("counter")) {
    if (!(p >= 0.0f && p < 1.0f)) fail("Dropout: p must be in [0, 1), got {}", p);
}

Variable Dropout::forward(const Variable& x) {
    if (!is_training()) return x;
    return ops::dropout(x, p_, true, seed_, (*counter_)++);
}

void Dropout::reset_seed(std::uint64_t seed) {
    seed_ = seed;
    *counter_ = 0;
}

}  // namespace lskd::nn
