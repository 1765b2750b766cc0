// max_pool2d: oneDNN max pooling on NHWC; training keeps the workspace (the argmax of each window) in the
// node for pooling backward. Padded positions never win (they act as −∞), as in PyTorch. The relu post-op
// fuses the ReLU that precedes or follows the pooling (the two orders give the same numbers).
#include "framework/ops/ops.hpp"
#include "framework/ops/pooling.hpp"

namespace lskd::ops {

Variable max_pool2d(const Variable& x, Pool2dOptions o, const PostOps& post) {
    check_post_ops("max_pool2d", post, {.relu = true});
    detail::check_pool_options("max_pool2d", x, o.kernel, o.stride, o.padding);
    return detail::pool2d(OpKind::max_pool2d, detail::PoolAlgorithm::max, x,
                          {o.kernel, o.kernel, o.stride, o.stride, o.padding, o.padding}, post);
}

}  // namespace lskd::ops
