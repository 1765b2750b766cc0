// A process-wide pool of 64-byte-aligned float buffers, reused by exact size, so that a training step
// that has run once allocates no activation or gradient memory again. Counts live buffers for leak tests.
#pragma once
#include <cstddef>
#include <memory>

namespace lskd {

struct PoolStats {
    std::size_t live_buffers = 0;    // handed out and not yet returned
    std::size_t cached_buffers = 0;  // returned and waiting for reuse
    std::size_t fresh_allocations = 0;
};

// Returns a buffer of at least `count` floats; its contents are unspecified. The deleter gives it back.
std::shared_ptr<float[]> acquire_buffer(std::size_t count);
PoolStats pool_stats();
// Frees every cached buffer (live ones are untouched).
void release_cached_buffers();

}  // namespace lskd
