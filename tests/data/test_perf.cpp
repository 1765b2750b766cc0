// Measurements for the data layer's closing note: hidden, run only in the slow suite or as test_data "[perf]".
// CPU times are reported beside wall times because the machine is shared and wall times swing with its load.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>

#include <tbb/global_control.h>

#include "framework/data/batch_loader.hpp"
#include "framework/data/dataset.hpp"
#include "framework/data/file_bytes.hpp"
#include "framework/data/idx_reader.hpp"

using namespace lskd::data;

namespace {

struct Timing {
    double wall = 1e30;
    double cpu = 1e30;  // of the whole process, so it counts TBB's worker too
};

double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The best of `repeats` runs of `f`, with `prepare` run untimed before each.
template <typename F, typename P>
Timing best_of(int repeats, F&& f, P&& prepare) {
    Timing best;
    for (int r = 0; r < repeats; ++r) {
        prepare();
        const auto start = std::chrono::steady_clock::now();
        const double cpu_start = process_cpu_seconds();
        f();
        best.cpu = std::min(best.cpu, process_cpu_seconds() - cpu_start);
        best.wall = std::min(best.wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

template <typename F>
Timing best_of(int repeats, F&& f) {
    return best_of(repeats, f, [] {});
}

}  // namespace

TEST_CASE("Fashion-MNIST load time, decompression and parsing apart", "[.][perf][slow]") {
    const auto images = kFashionMnistDir / "train-images-idx3-ubyte.gz";
    const auto labels = kFashionMnistDir / "train-labels-idx1-ubyte.gz";
    std::vector<std::uint8_t> image_bytes, label_bytes, scratch;
    const Timing inflate = best_of(3, [&] {
        image_bytes = read_file_bytes(images);
        label_bytes = read_file_bytes(labels);
    });
    const Timing parse = best_of(
        3, [&] { CHECK(parse_idx(std::move(scratch), label_bytes, images, labels, {28, 28, 10}).size() == 60000); },
        [&] { scratch = image_bytes; });
    const Timing whole = best_of(3, [] { load_dataset({}); });
    WARN("train files: read + gunzip " << inflate.wall * 1e3 << " ms wall / " << inflate.cpu * 1e3
                                       << " ms CPU; parse " << parse.wall * 1e3 << " ms wall / " << parse.cpu * 1e3
                                       << " ms CPU; load_dataset (train + test, split, normalise) " << whole.wall * 1e3
                                       << " ms wall / " << whole.cpu * 1e3 << " ms CPU");
}

TEST_CASE("time to assemble one batch of 128", "[.][perf][slow]") {
    const Dataset ds = load_dataset({});
    for (int threads : {1, 2})
        for (bool augment : {false, true}) {
            tbb::global_control c(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
            LoaderSpec spec;
            spec.augment = augment ? ds.default_augment : AugmentSpec::none();
            BatchLoader loader(ds.train, ds.normalization, spec);
            Batch b;
            const Timing epoch = best_of(3, [&] {
                loader.begin_epoch(0);
                while (loader.next(b)) {
                }
            });
            const auto per_batch = static_cast<double>(loader.batches_per_epoch()) / 1e6;
            WARN(threads << " thread(s), " << (augment ? "shift 2" : "no augmentation") << ": "
                         << epoch.wall / per_batch << " us wall / " << epoch.cpu / per_batch
                         << " us CPU per batch of 128");
        }
}
