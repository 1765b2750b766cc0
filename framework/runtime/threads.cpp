#include "framework/runtime/threads.hpp"

#include <memory>
#include <thread>

#include <omp.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/dnnl/dnnl.hpp>

namespace lskd::runtime {
namespace {
std::unique_ptr<tbb::global_control> g_tbb_limit;
ThreadInfo g_info;
}  // namespace

ThreadInfo init_threads(int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    omp_set_num_threads(threads);
    g_tbb_limit.reset();
    g_tbb_limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                        static_cast<std::size_t>(threads));
    g_info.threads = threads;
    g_info.omp_threads = omp_get_max_threads();
    g_info.tbb_threads =
        static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    g_info.onednn_uses_openmp = dnnl::version()->cpu_runtime == DNNL_RUNTIME_OMP;
    return g_info;
}

ThreadInfo thread_info() { return g_info; }

}  // namespace lskd::runtime
