// Small heap blocks recycled per thread, so that a training step that has run once allocates nothing for the
// graph's bookkeeping (nodes, variables, tensor handles): make_pooled<T> is std::make_shared whose one block
// (object and control block together) comes from the freeing thread's free list of its size class. Under
// AddressSanitizer blocks are not recycled, so a use after free is still reported.
#pragma once
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace lskd {

// A block of at least `bytes` bytes, aligned for any ordinary type; a free list's when one is waiting.
void* pooled_allocate(std::size_t bytes);
// Gives a block of pooled_allocate(bytes) back: onto this thread's free list while it holds fewer than its cap
// (a thread that frees what others allocate does not hoard), to the heap otherwise or after the thread's exit.
void pooled_free(void* block, std::size_t bytes) noexcept;

template <typename T>
struct PooledAllocator {
    using value_type = T;
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "pooled blocks have the default alignment");

    PooledAllocator() = default;
    template <typename U>
    PooledAllocator(const PooledAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) { return static_cast<T*>(pooled_allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { pooled_free(p, n * sizeof(T)); }

    template <typename U>
    bool operator==(const PooledAllocator<U>&) const noexcept {
        return true;
    }
};

template <typename T, typename... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
    return std::allocate_shared<T>(PooledAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace lskd
