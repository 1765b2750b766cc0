// Counts of the test process's heap allocations and frees (global operator new and delete, every thread), from
// tests/heap_counter.cpp, which replaces those operators in the test binaries that link it. A test reads the counts
// before and after the code it checks, and reports through Catch2 only after the second read (Catch2 allocates).
#pragma once
#include <cstdint>

namespace lskd::testing {

struct HeapCounts {
    std::uint64_t allocations = 0;
    std::uint64_t frees = 0;
    // Of the allocations, those made with code of the attributed library on the call stack: allocations that
    // library makes for itself, out of the caller's reach.
    std::uint64_t library_allocations = 0;
};

HeapCounts heap_counts();

// From now on, sorts the allocations made under the shared library whose path contains `name` (for instance
// "libdnnl") into library_allocations, by walking each allocation's call stack (slow: for a test's few steps).
// Fails (returns false) when no loaded library matches.
bool attribute_library(const char* name);

}  // namespace lskd::testing
