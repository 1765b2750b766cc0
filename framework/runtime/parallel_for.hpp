// runtime::parallel_for: body(i) for every i in [0, count), split statically over oneDNN's OpenMP team.
// For host loops on the training step's hot path, between oneDNN primitives: OpenMP's threads are still
// spinning from the last primitive and take their share at once, where TBB's workers wait for the cores those
// threads spin on (measured, docs/speed.md). Each i must write only its own outputs, so results do not depend
// on the split or the thread count.
#pragma once
#include <cstdint>

#ifndef _OPENMP
#error "framework/runtime/parallel_for.hpp needs OpenMP (link OpenMP::OpenMP_CXX)"
#endif

namespace lskd::runtime {

template <typename Body>
void parallel_for(std::int64_t count, const Body& body) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < count; ++i) body(i);
}

}  // namespace lskd::runtime
