// Counters of conv weight reorders, so tests (and debug runs) can check that master weights are converted
// to a primitive's format once per optimizer step, not once per call.
#pragma once
#include <cstdint>

namespace lskd::ops {

// Reorders of master OIHW weights into a primitive's preferred format (one per format after each in-place
// write to the weight tensor; none while its version and storage are unchanged).
std::uint64_t weight_reorder_count();
// Reorders of weight gradients from a backward-weights primitive's format back to plain OIHW.
std::uint64_t diff_weight_reorder_count();
// Drops every cached prepared weight (their buffers go back to the pool); the next call reorders again.
// Records of destroyed weights are also dropped automatically whenever a new weight is first used.
void release_prepared_weights();

}  // namespace lskd::ops
