// The global allocation functions of a test binary, counting: malloc and free (aligned_alloc for over-aligned
// types) underneath, as libstdc++'s own. The array and nothrow forms call these in libstdc++.
#include "tests/heap_counter.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_frees{0};

void* counted(void* p) {
    if (p == nullptr) throw std::bad_alloc();
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return p;
}

void release(void* p) noexcept {
    if (p == nullptr) return;
    g_frees.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
}

}  // namespace

namespace lskd::testing {

HeapCounts heap_counts() {
    return {g_allocations.load(std::memory_order_relaxed), g_frees.load(std::memory_order_relaxed)};
}

}  // namespace lskd::testing

void* operator new(std::size_t size) { return counted(std::malloc(size == 0 ? 1 : size)); }
void* operator new(std::size_t size, std::align_val_t align) {
    const auto a = static_cast<std::size_t>(align);
    return counted(std::aligned_alloc(a, (std::max<std::size_t>(size, 1) + a - 1) / a * a));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
