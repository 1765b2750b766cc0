// runtime::parallel_for: body(i) for every i in [0, count), split statically over oneDNN's OpenMP team.
// For host loops on the training step's hot path, between oneDNN primitives: OpenMP's threads are still
// spinning from the last primitive and take their share at once, where TBB's workers wait for the cores those
// threads spin on (measured, docs/speed.md). Each i must write only its own outputs, so results do not depend
// on the split or the thread count.
#pragma once
#include <algorithm>
#include <cstdint>

#ifndef _OPENMP
#error "framework/runtime/parallel_for.hpp needs OpenMP (link OpenMP::OpenMP_CXX)"
#endif

namespace lskd::runtime {

template <typename Body>
void parallel_for(std::int64_t count, const Body& body) {
#pragma omp parallel for schedule(static) if (count > 1)
    for (std::int64_t i = 0; i < count; ++i) body(i);
}

// Elements per piece of a split flat loop: large enough that a piece's cost dwarfs handing it out, small enough
// that one large tensor spreads over every thread.
inline constexpr std::int64_t kChunkElements = 32768;

// body(begin, end) for consecutive pieces of [0, n), kChunkElements each, the last one shorter.
template <typename Body>
void parallel_for_chunks(std::int64_t n, const Body& body) {
    parallel_for((n + kChunkElements - 1) / kChunkElements, [&](std::int64_t chunk) {
        const std::int64_t begin = chunk * kChunkElements;
        body(begin, std::min(n, begin + kChunkElements));
    });
}

}  // namespace lskd::runtime
