// avg_pool2d: oneDNN average pooling on NHWC; zero padding counts towards the divisor (kernel²), as
// PyTorch's count_include_pad=True default.
#include "framework/ops/ops.hpp"
#include "framework/ops/pooling.hpp"

namespace lskd::ops {

Variable avg_pool2d(const Variable& x, Pool2dOptions o) {
    detail::check_pool_options("avg_pool2d", x, o.kernel, o.stride, o.padding);
    return detail::pool2d(OpKind::avg_pool2d, detail::PoolAlgorithm::avg_include_padding, x,
                          {o.kernel, o.kernel, o.stride, o.stride, o.padding, o.padding});
}

}  // namespace lskd::ops
