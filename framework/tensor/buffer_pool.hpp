// A process-wide pool of 64-byte-aligned float buffers, reused by exact size, so that a training step
// that has run once allocates no activation or gradient memory again. Counts live buffers for leak tests.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

namespace lskd {

struct PoolStats {
    std::size_t live_buffers = 0;    // handed out and not yet returned
    std::size_t cached_buffers = 0;  // returned and waiting for reuse
    std::size_t fresh_allocations = 0;
};

// A pooled buffer and the version of its contents. Every handle to the buffer shares the counter, so an
// in-place write through one of them is seen through all (autograd's saved-tensor check, conv2d's
// prepared weights). The counter lives in the shared_ptr's own block: no allocation beyond the handle's.
struct Buffer {
    float* data = nullptr;
    std::size_t bytes = 0;
    std::uint64_t version = 0;

    Buffer(float* data, std::size_t bytes) : data(data), bytes(bytes) {}
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer();  // gives the memory back to the pool
};

// Returns a buffer of at least `count` floats; its contents are unspecified.
std::shared_ptr<Buffer> acquire_buffer(std::size_t count);
PoolStats pool_stats();
// Frees every cached buffer (live ones are untouched).
void release_cached_buffers();

}  // namespace lskd
