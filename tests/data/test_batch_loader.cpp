#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>

#include <tbb/global_control.h>

#include "fixtures.hpp"
#include "framework/data/batch_loader.hpp"
#include "framework/tensor/buffer_pool.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

const Normalization kNorm{{0.25f}, {0.5f}};

// Instead of designated initialisers, which GCC 12 flags under -Wextra when fields are left out.
LoaderSpec spec_of(std::size_t batch_size, std::uint64_t seed = 0) {
    LoaderSpec spec;
    spec.batch_size = batch_size;
    spec.seed = seed;
    return spec;
}

LoaderSpec unshuffled(LoaderSpec spec) {
    spec.shuffle = false;
    return spec;
}

LoaderSpec dropping_last(LoaderSpec spec) {
    spec.drop_last = true;
    return spec;
}

LoaderSpec augmented(LoaderSpec spec, const AugmentSpec& augment) {
    spec.augment = augment;
    return spec;
}

struct Epoch {
    std::vector<std::size_t> sizes;
    std::vector<std::int64_t> indices;
    std::vector<std::int32_t> labels;
    std::vector<float> pixels;
};

Epoch run_epoch(BatchLoader& loader, std::uint64_t epoch) {
    Epoch e;
    Batch b;
    loader.begin_epoch(epoch);
    while (loader.next(b)) {
        e.sizes.push_back(b.size());
        e.indices.insert(e.indices.end(), b.indices.begin(), b.indices.end());
        e.labels.insert(e.labels.end(), b.labels.begin(), b.labels.end());
        e.pixels.insert(e.pixels.end(), b.images.data(), b.images.data() + b.images.numel());
    }
    return e;
}

}  // namespace

TEST_CASE("an epoch visits every example once, in an order fixed by seed and epoch", "[data][loader]") {
    const ImageSet set = synthetic_set(100, 6, 6, 1, 10, 1);
    BatchLoader loader(set, kNorm, spec_of(16, 3));
    const Epoch e0 = run_epoch(loader, 0);
    std::vector<std::int64_t> sorted = e0.indices;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::int64_t> all(100);
    std::iota(all.begin(), all.end(), 0);
    CHECK(sorted == all);
    CHECK(e0.indices != all);
    CHECK(run_epoch(loader, 0).indices == e0.indices);
    CHECK(run_epoch(loader, 1).indices != e0.indices);
    BatchLoader other(set, kNorm, spec_of(16, 4));
    CHECK(run_epoch(other, 0).indices != e0.indices);
    BatchLoader ordered(set, kNorm, unshuffled(spec_of(16)));
    CHECK(run_epoch(ordered, 5).indices == all);
}

TEST_CASE("the last partial batch is kept or dropped", "[data][loader]") {
    const ImageSet set = synthetic_set(10, 4, 4, 1, 2, 2);
    BatchLoader keep(set, kNorm, spec_of(4));
    CHECK(keep.batches_per_epoch() == 3);
    CHECK(run_epoch(keep, 0).sizes == std::vector<std::size_t>{4, 4, 2});
    BatchLoader drop(set, kNorm, dropping_last(spec_of(4)));
    CHECK(drop.batches_per_epoch() == 2);
    CHECK(run_epoch(drop, 0).sizes == std::vector<std::size_t>{4, 4});
    BatchLoader whole(set, kNorm, dropping_last(spec_of(5)));
    CHECK(run_epoch(whole, 0).sizes == std::vector<std::size_t>{5, 5});
}

TEST_CASE("batches carry NHWC views, labels and original indices of the same examples", "[data][loader]") {
    ImageSet set = synthetic_set(20, 8, 8, 3, 4, 3);
    for (auto& i : set.original_index) i += 1000;  // as if the set were a split
    const Normalization norm{{0.1f, 0.2f, 0.3f}, {0.3f, 0.3f, 0.3f}};
    BatchLoader loader(set, norm, augmented(spec_of(8, 9), {2, 0, true}));
    loader.begin_epoch(4);
    Batch b;
    REQUIRE(loader.next(b));
    CHECK(b.images.shape() == lskd::Shape{8, 8, 8, 3});
    std::vector<float> expected(loader.augmenter().view_floats());
    for (std::size_t i = 0; i < b.size(); ++i) {
        const auto position = static_cast<std::size_t>(b.indices[i] - 1000);
        CHECK(b.labels[i] == set.labels[position]);
        loader.augmenter().render(position, {4, 0}, expected.data());
        CHECK(std::memcmp(expected.data(), b.images.data() + i * expected.size(), expected.size() * sizeof(float)) ==
              0);
    }
}

TEST_CASE("batch assembly gives the same bytes with 1 and 2 threads", "[data][loader]") {
    const ImageSet set = synthetic_set(300, 28, 28, 1, 10, 4);
    const LoaderSpec spec = augmented(spec_of(64, 5), AugmentSpec::shift(2));
    Epoch one, two;
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
        BatchLoader loader(set, kNorm, spec);
        one = run_epoch(loader, 2);
    }
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
        BatchLoader loader(set, kNorm, spec);
        two = run_epoch(loader, 2);
    }
    CHECK(one.indices == two.indices);
    CHECK(one.labels == two.labels);
    REQUIRE(one.pixels.size() == two.pixels.size());
    CHECK(std::memcmp(one.pixels.data(), two.pixels.data(), one.pixels.size() * sizeof(float)) == 0);
}

TEST_CASE("batch storage is reused once warm, but never while someone else holds it", "[data][loader]") {
    const ImageSet set = synthetic_set(10, 4, 4, 1, 2, 2);
    BatchLoader loader(set, kNorm, spec_of(4));
    Batch b;
    loader.begin_epoch(0);
    while (loader.next(b)) {
    }
    const auto fresh = lskd::pool_stats().fresh_allocations;
    loader.begin_epoch(1);
    REQUIRE(loader.next(b));
    const float* storage = b.images.data();
    REQUIRE(loader.next(b));
    CHECK(b.images.data() == storage);
    const lskd::Tensor held = b.images;  // e.g. kept by an autograd graph
    const std::vector<float> before(held.data(), held.data() + held.numel());
    REQUIRE(loader.next(b));
    CHECK(b.images.data() != held.data());
    CHECK(std::equal(before.begin(), before.end(), held.data()));
    CHECK(lskd::pool_stats().fresh_allocations <= fresh + 1);  // only the buffer that replaced the held one
}

TEST_CASE("loader misuse is an error", "[data][loader]") {
    const ImageSet set = synthetic_set(10, 4, 4, 1, 2, 2);
    CHECK_THAT(error_message([&] { BatchLoader(set, kNorm, spec_of(0)); }), Contains("batch size must be positive"));
    BatchLoader loader(set, kNorm, {});
    Batch b;
    CHECK_THAT(error_message([&] { loader.next(b); }), Contains("before begin_epoch"));
}
