// Training's max-pool kernels (framework/ops/max_pool_argmax.hpp) at lenet's two pools, batch 128, in each variant
// this CPU runs: baseline x86-64, AVX2, AVX-512F (docs/speed.md, "The fast path"). Run by hand:
// OMP_NUM_THREADS=1 build/bench/bench_max_pool
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "framework/ops/max_pool_argmax.hpp"

namespace {

using namespace lskd::ops::detail;

// lenet's pools: 2×2, stride 2, over its conv1 (28×28×32) and conv2 (14×14×64) maps.
MaxPoolGeometry lenet_pool(std::int64_t side, std::int64_t channels) {
    return {128, side, side, channels, side / 2, side / 2, 2, 2, 2, 2, 0, 0};
}

void pool(benchmark::State& state, bool backward) {
    const auto isa = static_cast<HostIsa>(state.range(0));
    if (static_cast<int>(isa) > static_cast<int>(best_host_isa())) {
        state.SkipWithError("this CPU lacks the variant's ISA");
        return;
    }
    const MaxPoolGeometry g = lenet_pool(state.range(1), state.range(2));
    const auto in = static_cast<std::size_t>(g.n * g.h * g.w * g.c), out = in / 4;
    std::vector<float> x(in), y(out), gx(in), gy(out, 1.0f);
    std::vector<std::uint8_t> argmax(out);
    for (std::size_t i = 0; i < in; ++i) x[i] = static_cast<float>(static_cast<int>(i * 7919 % 1000) - 500) * 0.01f;
    max_pool_forward_argmax(x.data(), y.data(), argmax.data(), g, true, isa);
    for (auto _ : state) {
        if (backward)
            max_pool_backward_argmax(gy.data(), argmax.data(), gx.data(), g, isa);
        else
            max_pool_forward_argmax(x.data(), y.data(), argmax.data(), g, true, isa);
        benchmark::ClobberMemory();
    }
}

void forward(benchmark::State& state) { pool(state, false); }
void backward(benchmark::State& state) { pool(state, true); }

// Arguments: variant (0 baseline, 1 AVX2, 2 AVX-512F), input side, channels.
void shapes(benchmark::internal::Benchmark* b) {
    for (int isa = 0; isa < 3; ++isa) {
        b->Args({isa, 28, 32});
        b->Args({isa, 14, 64});
    }
    b->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(forward)->Apply(shapes);
BENCHMARK(backward)->Apply(shapes);
BENCHMARK_MAIN();
