#include "framework/tensor/buffer_pool.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <vector>

#include "framework/tensor/block_pool.hpp"

namespace lskd {
namespace {

constexpr std::size_t kAlign = 64;
// A buffer of at least a huge page is aligned to one and advised to the kernel as huge-page memory (transparent
// huge pages, which Debian enables on request only): activations of a batch span thousands of 4 KiB pages, whose
// TLB misses the memory-bound passes pay (docs/speed.md, "Huge pages").
constexpr std::size_t kHugePage = std::size_t{2} << 20;

struct Pool {
    std::mutex mutex;
    std::map<std::size_t, std::vector<float*>> free_by_size;
    PoolStats stats;
};

Pool& pool() {
    static Pool* p = new Pool;  // never destroyed: buffers may be returned during static destruction
    return *p;
}

std::size_t rounded_bytes(std::size_t count) {
    const std::size_t bytes = (count == 0 ? 1 : count) * sizeof(float);
    const std::size_t align = bytes >= kHugePage ? kHugePage : kAlign;
    return (bytes + align - 1) / align * align;
}

float* allocate(std::size_t bytes) {
    if (bytes < kHugePage) return static_cast<float*>(std::aligned_alloc(kAlign, bytes));
    void* ptr = std::aligned_alloc(kHugePage, bytes);
    if (ptr != nullptr) ::madvise(ptr, bytes, MADV_HUGEPAGE);  // advice only: a refusal leaves 4 KiB pages
    return static_cast<float*>(ptr);
}

}  // namespace

Buffer::~Buffer() {
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    p.free_by_size[bytes].push_back(data);
    --p.stats.live_buffers;
    ++p.stats.cached_buffers;
}

std::shared_ptr<Buffer> acquire_buffer(std::size_t count) {
    const std::size_t bytes = rounded_bytes(count);
    Pool& p = pool();
    float* ptr = nullptr;
    {
        std::lock_guard lock(p.mutex);
        auto& list = p.free_by_size[bytes];
        if (!list.empty()) {
            ptr = list.back();
            list.pop_back();
            --p.stats.cached_buffers;
        }
        ++p.stats.live_buffers;
    }
    if (ptr == nullptr) {
        ptr = allocate(bytes);
        if (ptr == nullptr) {
            std::lock_guard lock(p.mutex);
            --p.stats.live_buffers;
            throw std::bad_alloc();
        }
        std::lock_guard lock(p.mutex);
        ++p.stats.fresh_allocations;
    }
    try {
        return make_pooled<Buffer>(ptr, bytes);
    } catch (...) {
        Buffer give_back(ptr, bytes);
        throw;
    }
}

PoolStats pool_stats() {
    std::lock_guard lock(pool().mutex);
    return pool().stats;
}

void release_cached_buffers() {
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    for (auto& [bytes, list] : p.free_by_size) {
        for (float* q : list) std::free(q);
        p.stats.cached_buffers -= list.size();
        list.clear();
    }
}

}  // namespace lskd
