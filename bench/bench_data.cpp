// Micro benchmarks of the data layer: reading and inflating the Fashion-MNIST training files, parsing
// them, the whole load_dataset, and assembling one batch of 128 with and without augmentation.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "framework/data/batch_loader.hpp"
#include "framework/data/dataset.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/idx_reader.hpp"

using namespace lskd::data;

namespace {

const auto kImages = kFashionMnistDir / "train-images-idx3-ubyte.gz";
const auto kLabels = kFashionMnistDir / "train-labels-idx1-ubyte.gz";

void BM_ReadAndGunzipTrain(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(read_file_bytes(kImages));
        benchmark::DoNotOptimize(read_file_bytes(kLabels));
    }
}
BENCHMARK(BM_ReadAndGunzipTrain)->Unit(benchmark::kMillisecond);

void BM_ParseTrain(benchmark::State& state) {
    const auto image_bytes = read_file_bytes(kImages);
    const auto label_bytes = read_file_bytes(kLabels);
    for (auto _ : state) {
        state.PauseTiming();
        auto scratch = image_bytes;
        state.ResumeTiming();
        benchmark::DoNotOptimize(parse_idx(std::move(scratch), label_bytes, kImages, kLabels, {28, 28, 10}));
    }
}
BENCHMARK(BM_ParseTrain)->Unit(benchmark::kMillisecond);

void BM_LoadDataset(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(load_dataset({}));
}
BENCHMARK(BM_LoadDataset)->Unit(benchmark::kMillisecond);

// Arguments: TBB threads, augmentation on (1) or off (0).
void BM_AssembleBatch(benchmark::State& state) {
    static const Dataset ds = load_dataset({});
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
    LoaderSpec spec;
    spec.augment = state.range(1) != 0 ? ds.default_augment : AugmentSpec::none();
    BatchLoader loader(ds.train, ds.normalization, spec);
    Batch b;
    loader.begin_epoch(0);
    for (auto _ : state) {
        if (!loader.next(b)) {
            loader.begin_epoch(1);
            loader.next(b);
        }
        benchmark::DoNotOptimize(b.images.data());
    }
}
BENCHMARK(BM_AssembleBatch)->Args({1, 0})->Args({1, 1})->Args({2, 0})->Args({2, 1})->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
