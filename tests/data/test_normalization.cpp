#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include "fixtures.hpp"
#include "framework/data/normalization.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

TEST_CASE("mean and std are per channel, on the pixel/255 scale", "[data][normalization]") {
    ImageSet set;
    set.height = 1;
    set.width = 2;
    set.channels = 2;
    // Channel 0 takes 0 and 255 equally often; channel 1 takes 51 and 153.
    set.pixels = {0, 51, 255, 153, 255, 153, 0, 51};
    set.labels = {0, 0};
    set.original_index = {0, 1};
    const Normalization n = compute_normalization(set);
    CHECK(n.mean[0] == Approx(0.5));
    CHECK(n.std[0] == Approx(0.5));
    CHECK(n.mean[1] == Approx(0.4));
    CHECK(n.std[1] == Approx(0.2));
    const std::vector<float> table = normalization_table(n);
    CHECK(table[0] == Approx(-1.0));
    CHECK(table[255] == Approx(1.0));
    CHECK(table[256 + 51] == Approx(-1.0));
    CHECK(table[256 + 153] == Approx(1.0));
}

TEST_CASE("the normalisation does not depend on the thread count", "[data][normalization]") {
    const ImageSet set = synthetic_set(3000, 28, 28, 1, 10, 4);
    Normalization one, two;
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
        one = compute_normalization(set);
    }
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
        two = compute_normalization(set);
    }
    CHECK(one.mean == two.mean);
    CHECK(one.std == two.std);
}

TEST_CASE("an empty or constant training split cannot be normalised", "[data][normalization]") {
    ImageSet set = synthetic_set(3, 2, 2, 1, 3, 1);
    std::fill(set.pixels.begin(), set.pixels.end(), 7);
    CHECK_THAT(error_message([&] { compute_normalization(set); }), Contains("same value in every pixel"));
    CHECK_THAT(error_message([&] {
                   compute_normalization(ImageSet{1, 1, 1, {}, {}, {}});
               }),
               Contains("training split is empty"));
}
