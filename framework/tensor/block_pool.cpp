#include "framework/tensor/block_pool.hpp"

#include <array>
#include <cstdint>

#include "framework/core/sanitizers.hpp"

namespace lskd {
namespace {

// Size classes of 32 bytes up to 1 KiB cover every node, variable and buffer handle; larger blocks are rare.
constexpr std::size_t kGranule = 32;
constexpr std::size_t kClasses = 32;
// Enough for the graph of a large network's step; beyond it a thread gives blocks back to the heap.
constexpr std::uint32_t kMaxCached = 8192;

struct FreeBlock {
    FreeBlock* next;
};

enum class ThreadState : std::uint8_t { unused, active, exited };

// Trivially destructible, so it can still be read after the thread's destructors ran (static destruction
// frees blocks after the main thread's thread_local objects are gone).
struct Lists {
    std::array<FreeBlock*, kClasses> head{};
    std::array<std::uint32_t, kClasses> count{};
    ThreadState state = ThreadState::unused;
};
thread_local Lists t_lists;

void release_all() noexcept {
    for (std::size_t c = 0; c < kClasses; ++c) {
        while (FreeBlock* b = t_lists.head[c]) {
            t_lists.head[c] = b->next;
            ::operator delete(b);
        }
        t_lists.count[c] = 0;
    }
}

// Gives the thread's cached blocks back to the heap when the thread ends.
struct ExitRelease {
    ~ExitRelease() {
        release_all();
        t_lists.state = ThreadState::exited;
    }
};

std::size_t size_class(std::size_t bytes) { return (bytes + kGranule - 1) / kGranule - 1; }

// Whether this thread keeps free lists: from its first use of the pool until its exit.
bool lists_active() {
    if (t_lists.state == ThreadState::unused) {
        static thread_local ExitRelease release;
        t_lists.state = ThreadState::active;
    }
    return t_lists.state == ThreadState::active;
}

// Under AddressSanitizer every block goes to the heap and back, so a use after free of a node, a variable or a
// tensor handle is reported instead of reading a recycled block.
#if defined(LSKD_ADDRESS_SANITIZER)
constexpr bool kRecycle = false;
#else
constexpr bool kRecycle = true;
#endif

}  // namespace

void* pooled_allocate(std::size_t bytes) {
    const std::size_t c = size_class(bytes);
    if (!kRecycle || c >= kClasses) return ::operator new(bytes);
    if (FreeBlock* b = t_lists.head[c]) {
        t_lists.head[c] = b->next;
        --t_lists.count[c];
        return b;
    }
    lists_active();
    return ::operator new((c + 1) * kGranule);
}

void pooled_free(void* block, std::size_t bytes) noexcept {
    if (block == nullptr) return;
    const std::size_t c = size_class(bytes);
    if (!kRecycle || c >= kClasses || !lists_active() || t_lists.count[c] >= kMaxCached) {
        ::operator delete(block);
        return;
    }
    auto* b = static_cast<FreeBlock*>(block);
    b->next = t_lists.head[c];
    t_lists.head[c] = b;
    ++t_lists.count[c];
}

}  // namespace lskd
