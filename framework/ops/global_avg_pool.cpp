// global_avg_pool: NHWC [N, H, W, C] → [N, C], as one oneDNN average pooling with an H×W window, whose
// NHWC [N, 1, 1, C] result is the [N, C] matrix in memory (a free reshape). Pooling rather than the
// reduction primitive because pooling has a backward primitive (the broadcast of g/(H·W)) cached with its
// forward, so both directions run jit kernels on NHWC, with no hand-written loop.
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/pooling.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {

Variable global_avg_pool(const Variable& x) {
    check_input_type("global_avg_pool", x, false);
    if (x.value().rank() != 4) fail("global_avg_pool: input must be NHWC [N, H, W, C], got {}", x.shape().str());
    if (x.value().numel() == 0) fail("global_avg_pool: empty input {}", x.shape().str());
    const Variable pooled = detail::pool2d(OpKind::global_avg_pool, detail::PoolAlgorithm::avg_exclude_padding, x,
                                           {x.dim(1), x.dim(2), 1, 1, 0, 0});
    return reshape(pooled, {x.dim(0), x.dim(3)});
}

}  // namespace lskd::ops
