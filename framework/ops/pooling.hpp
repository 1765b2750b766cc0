// Shared implementation of the pooling ops (max_pool2d, avg_pool2d, global_avg_pool): oneDNN pooling on
// NHWC activations, forward and backward primitives created together, max-pooling's workspace kept in the
// graph node. Each op checks its arguments and describes its window; this runs it.
#pragma once
#include <cstdint>

#include "framework/autograd/variable.hpp"
#include "framework/ops/op_kind.hpp"
#include "framework/ops/post_ops.hpp"

namespace lskd::ops::detail {

enum class PoolAlgorithm : std::int64_t { max, avg_include_padding, avg_exclude_padding };

struct PoolWindow {
    std::int64_t kh = 1, kw = 1;
    std::int64_t stride_h = 1, stride_w = 1;
    std::int64_t pad_h = 0, pad_w = 0;  // symmetric
};

// Output spatial size of a window over `size` (floor mode, as PyTorch's default).
inline std::int64_t pooled_size(std::int64_t size, std::int64_t kernel, std::int64_t stride, std::int64_t pad) {
    return (size + 2 * pad - kernel) / stride + 1;
}

// Pools x NHWC [N, H, W, C] into NHWC [N, H', W', C]; the caller has validated the window. With the relu post-op
// (max pooling only), max(0, ·) of the result: fused into the training kernel, a separate relu op otherwise.
Variable pool2d(OpKind kind, PoolAlgorithm algorithm, const Variable& x, const PoolWindow& window,
                const PostOps& post = {});

// The checks shared by max_pool2d and avg_pool2d (rank, kernel/stride/padding ranges, kernel inside the
// padded input), with messages naming `op`.
void check_pool_options(const char* op, const Variable& x, std::int64_t kernel, std::int64_t stride,
                        std::int64_t padding);

}  // namespace lskd::ops::detail
