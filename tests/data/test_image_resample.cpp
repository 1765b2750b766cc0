#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "fixtures.hpp"
#include "framework/core/random.hpp"
#include "framework/data/image_resample.hpp"
#include "torchvision_reference.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

RgbImage random_image(std::int64_t w, std::int64_t h, std::uint64_t seed) {
    RgbImage image{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h * 3))};
    lskd::Rng rng(seed);
    for (auto& p : image.pixels) p = static_cast<std::uint8_t>(rng.next_u64() >> 56);
    return image;
}

RgbImage read_rgb(const std::filesystem::path& file, std::int64_t w, std::int64_t h) {
    RgbImage image{w, h, read_whole_file(file)};
    REQUIRE(image.pixels.size() == static_cast<std::size_t>(w * h * 3));
    return image;
}

}  // namespace

TEST_CASE("resample of two pixels to one averages them", "[data][image_resample]") {
    // Output 0 of a 2 -> 1 reduction: centre 1, support 2, both inputs weigh triangle(0.25) = 0.75, i.e. 1/2 each
    // after normalising; (10 + 21) / 2 = 15.5 rounds up in Pillow's fixed point (2^21 added before the shift).
    const RgbImage src{2, 1, {10, 0, 255, 21, 1, 255}};
    const RgbImage out = resize_bilinear(src.view(), ResampleBox::whole(src.view()), {1, 1});
    CHECK(out.pixels == std::vector<std::uint8_t>{16, 1, 255});
}

TEST_CASE("resample to the same size is the identity and one pixel stretches flat", "[data][image_resample]") {
    const RgbImage src = random_image(13, 7, 1);
    CHECK(resize_bilinear(src.view(), ResampleBox::whole(src.view()), {13, 7}).pixels == src.pixels);
    const RgbImage dot{1, 1, {7, 8, 9}};
    const RgbImage flat = resize_bilinear(dot.view(), ResampleBox::whole(dot.view()), {5, 3});
    for (std::size_t i = 0; i < flat.pixels.size(); ++i) CHECK(flat.pixels[i] == dot.pixels[i % 3]);
}

TEST_CASE("resample window equals the crop of the whole output", "[data][image_resample]") {
    const RgbImage src = random_image(97, 61, 2);
    const ResampleBox box{3.5f, 1.25f, 90.0f, 60.0f};
    const ImageSize size{40, 33};
    const RgbImage whole = resize_bilinear(src.view(), box, size);
    const OutputWindow w{5, 9, 30, 17};
    std::vector<std::uint8_t> part(static_cast<std::size_t>(w.width * w.height * 3));
    ResampleScratch scratch;
    resize_bilinear(src.view(), box, size, w, part.data(), w.width * 3, scratch);
    for (std::int64_t y = 0; y < w.height; ++y)
        for (std::int64_t x = 0; x < w.width * 3; ++x)
            CHECK(part[static_cast<std::size_t>(y * w.width * 3 + x)] ==
                  whole.pixels[static_cast<std::size_t>((w.top + y) * size.width * 3 + w.left * 3 + x)]);
}

TEST_CASE("resample reuses its scratch for a repeated geometry", "[data][image_resample]") {
    const RgbImage a = random_image(50, 40, 3), b = random_image(50, 40, 4);
    const ResampleBox box{2, 3, 45, 37};
    std::vector<std::uint8_t> out(24 * 24 * 3);
    ResampleScratch scratch;
    resize_bilinear(a.view(), box, {24, 24}, {0, 0, 24, 24}, out.data(), 72, scratch);
    const auto* inter = scratch.intermediate.data();
    const auto* sums = scratch.sums.data();
    const auto* weights = scratch.columns.weights(0);
    resize_bilinear(b.view(), box, {24, 24}, {0, 0, 24, 24}, out.data(), 72, scratch);
    CHECK(scratch.intermediate.data() == inter);
    CHECK(scratch.sums.data() == sums);
    CHECK(scratch.columns.weights(0) == weights);
    CHECK(out == resize_bilinear(b.view(), box, {24, 24}).pixels);
}

TEST_CASE("resample refuses a box or window outside the image", "[data][image_resample]") {
    const RgbImage src = random_image(10, 10, 5);
    const auto error_of = [&](ResampleBox box, ImageSize size) {
        return error_message([&] { resize_bilinear(src.view(), box, size); });
    };
    CHECK_THAT(error_of({-1, 0, 5, 5}, {2, 2}), Contains("is not inside the 10x10 image"));
    CHECK_THAT(error_of({0, 0, 10.5f, 5}, {2, 2}), Contains("is not inside the 10x10 image"));
    CHECK_THAT(error_of({6, 0, 5, 5}, {2, 2}), Contains("is not inside the 10x10 image"));
    CHECK_THAT(error_of({0, 0, 5, 5}, {0, 2}), Contains("output size 0x2 is empty"));
    ResampleScratch scratch;
    std::vector<std::uint8_t> out(100);
    CHECK_THAT(error_message([&] {
                   resize_bilinear(src.view(), {0, 0, 5, 5}, {4, 4}, {2, 2, 3, 1}, out.data(), 9, scratch);
               }),
               Contains("not inside the 4x4 output"));
}

TEST_CASE("resample equals PIL's bilinear resize with a box", "[data][image_resample]") {
    if (!torchvision_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no PIL and torchvision; the resample is only checked by hand");
        return;
    }
    TempDir dir;
    run_torchvision_reference({"resample", dir.path().string()});
    std::ifstream index(dir / "cases.txt");
    std::size_t cases = 0, differing = 0;
    for (std::string line; std::getline(index, line); ++cases) {
        std::istringstream row(line);
        std::string k, x0, y0, x1, y1;
        std::int64_t w = 0, h = 0, ow = 0, oh = 0;
        row >> k >> w >> h >> x0 >> y0 >> x1 >> y1 >> ow >> oh;
        INFO("case " << line);
        const RgbImage src = read_rgb(dir / ("in" + k + ".rgb"), w, h);
        const RgbImage expected = read_rgb(dir / ("out" + k + ".rgb"), ow, oh);
        const ResampleBox box{static_cast<float>(parse_hex_double(x0)), static_cast<float>(parse_hex_double(y0)),
                              static_cast<float>(parse_hex_double(x1)), static_cast<float>(parse_hex_double(y1))};
        const RgbImage got = resize_bilinear(src.view(), box, {ow, oh});
        int max_diff = 0;
        for (std::size_t i = 0; i < got.pixels.size(); ++i) {
            const int d = std::abs(int(got.pixels[i]) - int(expected.pixels[i]));
            max_diff = std::max(max_diff, d);
            differing += d != 0;
        }
        CHECK(max_diff <= 1);
    }
    CHECK(cases == 22);
    // The same arithmetic as Pillow's, so no pixel should differ at all.
    CHECK(differing == 0);
}
