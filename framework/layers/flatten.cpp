#include "framework/layers/flatten.hpp"

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::nn {

Variable Flatten::forward(const Variable& x) {
    if (x.value().rank() < 1) fail("Flatten: input of shape {} has no batch dimension", x.shape().str());
    const std::int64_t n = x.dim(0);
    return ops::reshape(x, {n, n == 0 ? 0 : x.value().numel() / n});
}

}  // namespace lskd::nn
