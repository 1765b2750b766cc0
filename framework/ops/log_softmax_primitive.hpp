// Row-wise log-softmax of a plain [n, k] buffer with the cached oneDNN inference primitive, for ops that
// fuse it with more work (the soft-target loss).
#pragma once
#include <cstdint>

namespace lskd::ops {

void log_softmax_rows(const float* src, float* dst, std::int64_t n, std::int64_t k);

}  // namespace lskd::ops
