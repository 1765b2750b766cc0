// Runs a computation at 1 and at 2 threads (oneDNN's OpenMP team) and compares the tensors it returns: the engine
// promises the same bits for a given seed and thread count, and where an op also keeps them across counts, its
// test checks that here.
#pragma once
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/runtime/threads.hpp"
#include "framework/tensor/tensor.hpp"

namespace lskd::testing {

using TensorsFn = std::function<std::vector<Tensor>()>;

// run() at 1 thread, then at 2; the thread budget is restored after.
inline std::pair<std::vector<Tensor>, std::vector<Tensor>> at_1_and_2_threads(const TensorsFn& run) {
    const int threads_before = runtime::thread_info().threads;
    runtime::init_threads(1);
    std::vector<Tensor> one = run();
    runtime::init_threads(2);
    std::vector<Tensor> two = run();
    runtime::init_threads(threads_before);
    return {std::move(one), std::move(two)};
}

inline void check_same_bits_at_1_and_2_threads(const TensorsFn& run) {
    const auto [one, two] = at_1_and_2_threads(run);
    REQUIRE(one.size() == two.size());
    for (std::size_t i = 0; i < one.size(); ++i) {
        INFO("tensor " << i << " of shape " << one[i].shape().str());
        REQUIRE(one[i].shape() == two[i].shape());
        CHECK(std::memcmp(one[i].data(), two[i].data(), static_cast<std::size_t>(one[i].numel()) * sizeof(float)) == 0);
    }
}

}  // namespace lskd::testing
