// The global allocation functions of a test binary, counting: malloc and free (aligned_alloc for over-aligned
// types) underneath, as libstdc++'s own. The array and nothrow forms are replaced too: libstdc++'s call these, but
// AddressSanitizer's own would pair its new with this file's free. Once a library is attributed, each allocation's
// return addresses are compared with that library's code segments.
#include "tests/heap_counter.hpp"

#include <execinfo.h>
#include <link.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

namespace {

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_frees{0};
std::atomic<std::uint64_t> g_library_allocations{0};

// The attributed library's executable segments, written once before g_attributing is set.
struct Range {
    std::uintptr_t begin = 0, end = 0;
};
constexpr std::size_t kMaxRanges = 8;
std::array<Range, kMaxRanges> g_ranges;
std::size_t g_range_count = 0;
std::atomic<bool> g_attributing{false};
thread_local bool t_walking = false;  // backtrace() may allocate the first time; that is not counted twice

constexpr int kStackDepth = 16;

bool under_library() {
    if (!g_attributing.load(std::memory_order_acquire) || t_walking) return false;
    t_walking = true;
    std::array<void*, kStackDepth> frames{};
    const int depth = backtrace(frames.data(), kStackDepth);
    t_walking = false;
    for (int i = 0; i < depth; ++i) {
        const auto pc = reinterpret_cast<std::uintptr_t>(frames[static_cast<std::size_t>(i)]);
        for (std::size_t r = 0; r < g_range_count; ++r)
            if (pc >= g_ranges[r].begin && pc < g_ranges[r].end) return true;
    }
    return false;
}

void* counted(void* p) {
    if (p == nullptr) throw std::bad_alloc();
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (under_library()) g_library_allocations.fetch_add(1, std::memory_order_relaxed);
    return p;
}

void release(void* p) noexcept {
    if (p == nullptr) return;
    g_frees.fetch_add(1, std::memory_order_relaxed);
    std::free(p);
}

int collect_ranges(dl_phdr_info* info, std::size_t, void* name) {
    if (info->dlpi_name == nullptr || std::strstr(info->dlpi_name, static_cast<const char*>(name)) == nullptr) return 0;
    for (int i = 0; i < info->dlpi_phnum && g_range_count < kMaxRanges; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
        const std::uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
        g_ranges[g_range_count++] = {begin, begin + ph.p_memsz};
    }
    return 1;
}

}  // namespace

namespace lskd::testing {

HeapCounts heap_counts() {
    return {g_allocations.load(std::memory_order_relaxed), g_frees.load(std::memory_order_relaxed),
            g_library_allocations.load(std::memory_order_relaxed)};
}

bool attribute_library(const char* name) {
    if (g_attributing.load()) return g_range_count > 0;
    std::array<void*, 1> warm{};
    t_walking = true;
    backtrace(warm.data(), 1);  // loads the unwinder now, not inside a counted allocation
    t_walking = false;
    dl_iterate_phdr(collect_ranges, const_cast<char*>(name));
    if (g_range_count == 0) return false;
    g_attributing.store(true, std::memory_order_release);
    return true;
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
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new[](std::size_t size, std::align_val_t align) { return operator new(size, align); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return operator new(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return operator new(size);
    } catch (...) {
        return nullptr;
    }
}
void operator delete[](void* p) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
