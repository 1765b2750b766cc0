#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "framework/data/resized_crop.hpp"
#include "torchvision_reference.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

RecordedDraw uniform_draw(double lo, double hi, double value) { return {'u', lo, hi, value}; }

const double kLogLo = std::log(0.75f), kLogHi = std::log(static_cast<float>(4.0 / 3.0));

}  // namespace

TEST_CASE("resized crop params on hand-made draws", "[data][resized_crop]") {
    const ResizedCropSpec spec;
    // 10x10 image, area share 1/16: sqrt(6.25) = 2.5 rounds half to even, to 2 (not 3).
    ReplayDraws draws(
        {uniform_draw(0.08, 1.0, 0.0625), uniform_draw(kLogLo, kLogHi, 0.0), {'r', 0, 9, 4}, {'r', 0, 9, 7}});
    CHECK(resized_crop_params(10, 10, spec, draws) == CropBox{4, 7, 2, 2});
    CHECK(draws.all_used());
    // A try too wide for the image is rejected: 100x10 at share 1 and ratio 1 needs w = h = 31.62 -> 32 > 10.
    std::vector<RecordedDraw> rejected;
    for (int t = 0; t < 10; ++t) {
        rejected.push_back(uniform_draw(0.08, 1.0, 1.0));
        rejected.push_back(uniform_draw(kLogLo, kLogHi, 0.0));
    }
    // Fallback: ratio 10 > 4/3, so h = 10 and w = round(10 * 4/3) = 13, centred: j = (100 - 13) // 2 = 43.
    ReplayDraws fallback(rejected);
    CHECK(resized_crop_params(100, 10, spec, fallback) == CropBox{0, 43, 10, 13});
    CHECK(fallback.all_used());
    // A 10x12 image (ratio 5/6 inside [3/4, 4/3]) whose tries all miss falls back to the whole image.
    for (std::size_t t = 0; t < rejected.size(); t += 2) rejected[t] = uniform_draw(1.0, 1.0, 1.0);
    rejected[1].value = kLogHi;  // w = round(sqrt(120 * 4/3)) = 13 > 10
    ReplayDraws whole(rejected);
    CHECK(resized_crop_params(10, 12, ResizedCropSpec{1.0, 1.0, 0.75, 4.0 / 3.0}, whole) == CropBox{0, 0, 12, 10});
}

TEST_CASE("resized crop params equal torchvision's on its own draws", "[data][resized_crop]") {
    if (!torchvision_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no torchvision; get_params is only checked on hand-made draws");
        return;
    }
    TempDir dir;
    run_torchvision_reference({"crop", (dir / "crop.txt").string()});
    std::ifstream in(dir / "crop.txt");
    std::size_t cases = 0, fallbacks = 0;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream head(line);
        std::string word, s0, s1, r0, r1;
        std::int64_t w = 0, h = 0;
        head >> word >> w >> h >> s0 >> s1 >> r0 >> r1;
        REQUIRE(word == "case");
        const ResizedCropSpec spec{parse_hex_double(s0), parse_hex_double(s1), parse_hex_double(r0),
                                   parse_hex_double(r1)};
        std::vector<RecordedDraw> draws;
        CropBox expected;
        while (std::getline(in, line)) {
            std::istringstream row(line);
            std::string kind, a, b, v;
            row >> kind >> a >> b >> v;
            if (kind == "result") {
                expected = {std::stoll(a), std::stoll(b), std::stoll(v), 0};
                row >> expected.width;
                break;
            }
            draws.push_back(parse_draw(line));
        }
        INFO("case " << line << " on a " << w << "x" << h << " image");
        ReplayDraws replay(draws);
        CHECK(resized_crop_params(w, h, spec, replay) == expected);
        CHECK(replay.all_used());
        ++cases;
        fallbacks += draws.size() == 20;
    }
    CHECK(cases == 310);
    CHECK(fallbacks > 10);  // both paths are exercised
}

TEST_CASE("seeded draws depend only on their keys", "[data][resized_crop]") {
    const ResizedCropSpec spec;
    std::set<std::int64_t> lefts;
    for (std::uint64_t index = 0; index < 50; ++index) {
        SeededDraws a(3, 1, index), b(3, 1, index);
        const CropBox box = resized_crop_params(500, 375, spec, a);
        CHECK(box == resized_crop_params(500, 375, spec, b));
        CHECK(box.left + box.width <= 500);
        CHECK(box.top + box.height <= 375);
        lefts.insert(box.left);
    }
    CHECK(lefts.size() > 25);
    SeededDraws d(1, 2, 3);
    for (int k = 0; k < 1000; ++k) {
        const double u = d.uniform(-2.0, 3.0);
        CHECK((u >= -2.0 && u < 3.0));
        const std::int64_t r = d.randint(5, 8);
        CHECK((r >= 5 && r < 8));
    }
}

TEST_CASE("centre crop offsets round half to even and pad", "[data][resized_crop]") {
    // (5 - 2) / 2 = 1.5 -> 2 and (7 - 2) / 2 = 2.5 -> 2, as Python's round.
    CHECK(center_crop_box(5, 7, 2, 2) == CropBox{2, 2, 2, 2});
    CHECK(center_crop_box(9, 9, 2, 2) == CropBox{4, 4, 2, 2});  // 3.5 -> 4
    // Larger than the image: torchvision pads (8 - 3) // 2 = 2 columns on the left.
    CHECK(center_crop_box(3, 10, 8, 4) == CropBox{3, -2, 4, 8});
    CHECK(center_crop_box(4, 4, 4, 4) == CropBox{0, 0, 4, 4});
    CHECK_THAT(error_message([] { center_crop_box(4, 4, 0, 4); }), Contains("is empty"));
}

TEST_CASE("resize of the short side truncates the long one", "[data][resized_crop]") {
    CHECK(resize_short_side(500, 375, 256) == ImageSize{341, 256});  // 256 * 500 / 375 = 341.33
    CHECK(resize_short_side(375, 500, 256) == ImageSize{256, 341});
    CHECK(resize_short_side(3, 1000, 2) == ImageSize{2, 666});  // 666.67
    CHECK(resize_short_side(100, 100, 32) == ImageSize{32, 32});
    CHECK_THAT(error_message([] { resize_short_side(0, 5, 3); }), Contains("no pixel"));
    CHECK_THAT(error_message([] { check_resized_crop_spec({0.5, 0.2, 0.75, 1.0}); }), Contains("scale range"));
    CHECK_THAT(error_message([] { check_resized_crop_spec({0.1, 1.0, 0.0, 1.0}); }), Contains("ratio range"));
    CHECK_THAT(error_message([] { check_resized_crop_spec({0.1, INFINITY, 1.0, 1.0}); }), Contains("scale range"));
    CHECK_THAT(error_message([] { check_resized_crop_spec({0.1, 1.0, 1.0, NAN}); }), Contains("ratio range"));
    // A scale whose crops are all far larger than the image ends in the fallback, never in an integer overflow.
    SeededDraws draws(1, 0, 0);
    CHECK(resized_crop_params(10, 10, {0.5, 1e300, 0.75, 4.0 / 3.0}, draws) == CropBox{0, 0, 10, 10});
    CHECK_THAT(error_message([&] { resized_crop_params(kMaxSide + 1, 10, {}, draws); }), Contains("beyond"));
}
