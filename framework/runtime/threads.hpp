// The thread budget, decided once per process: oneDNN's OpenMP team and TBB's pool both get `threads`
// (they never run at the same time: primitives run on the main thread between TBB phases).
#pragma once

namespace lskd::runtime {

struct ThreadInfo {
    int threads = 0;
    int omp_threads = 0;
    int tbb_threads = 0;
    bool onednn_uses_openmp = false;
};

// threads <= 0 means all hardware threads. Calling it again changes the budget.
ThreadInfo init_threads(int threads);
ThreadInfo thread_info();

}  // namespace lskd::runtime
