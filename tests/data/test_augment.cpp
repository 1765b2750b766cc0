#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <set>

#include <tbb/global_control.h>

#include "fixtures.hpp"
#include "framework/data/augment.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

const Normalization kUnit{{0.0f}, {1.0f}};  // a byte b becomes b / 255

std::vector<float> view(const Augmenter& a, std::size_t position, ViewId id) {
    std::vector<float> out(a.view_floats());
    a.render(position, id, out.data());
    return out;
}

// The image shifted so that output (y, x) shows source (y + dy, x + dx), zero outside, optionally mirrored.
std::vector<float> shifted(const ImageSet& set, std::size_t position, int dy, int dx, bool flip) {
    const auto h = static_cast<int>(set.height), w = static_cast<int>(set.width);
    std::vector<float> out;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int sy = y + dy, sx = (flip ? w - 1 - x : x) + dx;
            const bool inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
            out.push_back(inside ? set.image(position)[static_cast<std::size_t>(sy * w + sx)] / 255.0f : 0.0f);
        }
    return out;
}

}  // namespace

TEST_CASE("no augmentation only normalises", "[data][augment]") {
    const ImageSet set = synthetic_set(4, 5, 6, 3, 2, 1);
    const Normalization norm{{0.1f, 0.2f, 0.3f}, {0.5f, 0.25f, 2.0f}};
    const Augmenter a(set, AugmentSpec::none(), norm, 9);
    CHECK(a.view_shape() == lskd::Shape{5, 6, 3});
    const std::vector<float> out = view(a, 2, {3, 0});
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::size_t c = i % 3;
        CHECK(out[i] == (static_cast<float>(set.image(2)[i]) / 255.0f - norm.mean[c]) / norm.std[c]);
    }
}

TEST_CASE("a shift view is the image moved by at most pad pixels with zero fill", "[data][augment]") {
    const ImageSet set = synthetic_set(3, 8, 8, 1, 3, 2);
    const bool flip = GENERATE(false, true);
    const Augmenter a(set, {2, 0, flip}, kUnit, 5);
    std::set<std::array<int, 3>> offsets;
    for (std::uint64_t epoch = 0; epoch < 1000; ++epoch) {
        const std::vector<float> out = view(a, 1, {epoch, 0});
        bool matched = false;
        for (int dy = -2; dy <= 2 && !matched; ++dy)
            for (int dx = -2; dx <= 2 && !matched; ++dx)
                for (int f = 0; f <= (flip ? 1 : 0) && !matched; ++f)
                    if (out == shifted(set, 1, dy, dx, f == 1)) {
                        matched = true;
                        offsets.insert({dy, dx, f});
                    }
        CHECK(matched);
    }
    // 1000 draws reach every one of the 25 (or 50 with flips) views.
    CHECK(offsets.size() == (flip ? 50u : 25u));
}

TEST_CASE("a view is a pure function of seed, epoch, original index and draw", "[data][augment]") {
    ImageSet set = synthetic_set(6, 32, 32, 3, 3, 3);
    const Augmenter a(set, {4, 32, true}, {{0.5f, 0.5f, 0.5f}, {0.25f, 0.25f, 0.25f}}, 17);
    CHECK(view(a, 4, {2, 1}) == view(a, 4, {2, 1}));
    CHECK(view(a, 4, {2, 1}) != view(a, 4, {3, 1}));
    CHECK(view(a, 4, {2, 1}) != view(a, 4, {2, 2}));
    const Augmenter other_seed(set, {4, 32, true}, {{0.5f, 0.5f, 0.5f}, {0.25f, 0.25f, 0.25f}}, 18);
    CHECK(view(a, 4, {2, 1}) != view(other_seed, 4, {2, 1}));

    // The same example at another position (say after a subset) keeps its views: the key is its original index.
    ImageSet moved = take(set, std::vector<std::size_t>{4});
    const Augmenter b(moved, {4, 32, true}, {{0.5f, 0.5f, 0.5f}, {0.25f, 0.25f, 0.25f}}, 17);
    CHECK(view(b, 0, {2, 1}) == view(a, 4, {2, 1}));
}

TEST_CASE("render_views gives the same bytes with 1 and 2 threads", "[data][augment]") {
    const ImageSet set = synthetic_set(3, 28, 28, 1, 3, 4);
    const Augmenter a(set, AugmentSpec::shift(2), kUnit, 1);
    std::vector<ViewId> views;
    for (std::uint64_t d = 0; d < 64; ++d) views.push_back({7, d});
    lskd::Tensor one, two;
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
        one = render_views(a, 2, views);
    }
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
        two = render_views(a, 2, views);
    }
    CHECK(one.shape() == lskd::Shape{64, 28, 28, 1});
    CHECK(std::memcmp(one.data(), two.data(), one.numel() * sizeof(float)) == 0);
    CHECK(std::equal(one.data() + 5 * 784, one.data() + 6 * 784, view(a, 2, {7, 5}).begin()));
}

TEST_CASE("crops smaller than the image and bad specs", "[data][augment]") {
    const ImageSet set = synthetic_set(2, 32, 32, 3, 2, 5);
    const Normalization norm{{0, 0, 0}, {1, 1, 1}};
    CHECK(Augmenter(set, {0, 24, false}, norm, 0).view_shape() == lskd::Shape{24, 24, 3});
    CHECK_THAT(error_message([&] {
                   Augmenter(set, {4, 41, false}, norm, 0);
               }),
               Contains("a 41x41 crop does not fit in a 32x32 image padded by 4"));
    CHECK_THAT(error_message([&] { Augmenter(set, {-1, 0, false}, norm, 0); }), Contains("must not be negative"));
    CHECK_THAT(error_message([&] { Augmenter(set, {}, kUnit, 0); }),
               Contains("normalisation has 1 channels, the images have 3"));
}
