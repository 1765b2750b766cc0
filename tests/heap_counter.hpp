// Counts of the test process's heap allocations and frees (global operator new and delete, every thread), from
// tests/heap_counter.cpp, which replaces those operators in the test binaries that link it. A test reads the counts
// before and after the code it checks, and reports through Catch2 only after the second read (Catch2 allocates).
#pragma once
#include <cstdint>

namespace lskd::testing {

struct HeapCounts {
    std::uint64_t allocations = 0;
    std::uint64_t frees = 0;
};

HeapCounts heap_counts();

}  // namespace lskd::testing
