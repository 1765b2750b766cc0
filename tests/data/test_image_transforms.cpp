#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "framework/core/random.hpp"
#include "framework/data/image_transforms.hpp"
#include "torchvision_reference.hpp"

using namespace lskd::data;
using namespace lskd::data::testing;
using Catch::Matchers::Contains;

namespace {

std::vector<float> read_floats(const std::filesystem::path& file, std::size_t count) {
    const Bytes bytes = read_whole_file(file);
    REQUIRE(bytes.size() == count * sizeof(float));
    std::vector<float> values(count);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    float m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

// Mean 0 and std 1/255 turn a byte into its own value, so the outputs below read as pixels.
const Normalization kBytes{{0, 0, 0}, {1.0f / 255, 1.0f / 255, 1.0f / 255}};

}  // namespace

TEST_CASE("train transform crops resizes and mirrors", "[data][image_transforms]") {
    // A 4x2 image whose columns are 0, 1, 2, 3 in every channel.
    RgbImage image{4, 2, {}};
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 4; ++x) image.pixels.insert(image.pixels.end(), 3, static_cast<std::uint8_t>(x));
    const TrainTransform t({2, {0.5, 0.5, 1.0, 1.0}, true}, kBytes);
    // Share 1/2 at ratio 1: w = h = round(sqrt(4)) = 2, at row 0, column 1; then 0.25 < 0.5 mirrors.
    ReplayDraws draws({{'u', 0.5, 0.5, 0.5}, {'u', 0, 0, 0}, {'r', 0, 1, 0}, {'r', 0, 3, 1}, {'u', 0, 1, 0.25}});
    std::vector<float> out(t.output_floats());
    TransformScratch scratch;
    t.apply(image.view(), draws, scratch, out.data());
    CHECK(draws.all_used());
    const std::vector<float> expected = {2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1};
    CHECK(max_abs_diff(out, expected) < 1e-4f);
}

TEST_CASE("eval transform pads a crop larger than the resized image", "[data][image_transforms]") {
    const RgbImage image{1, 1, {10, 20, 30}};
    // Resize(2) makes 2x2 of one colour; CenterCrop(4) pads one black pixel on every side.
    const EvalTransform t({2, 4}, kBytes);
    std::vector<float> out(t.output_floats());
    TransformScratch scratch;
    t.apply(image.view(), scratch, out.data());
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            const bool inside = y >= 1 && y <= 2 && x >= 1 && x <= 2;
            for (int c = 0; c < 3; ++c)
                CHECK(out[static_cast<std::size_t>((y * 4 + x) * 3 + c)] == Approx(inside ? 10.0 * (c + 1) : 0.0));
        }
    CHECK_THAT(error_message([] { EvalTransform({0, 4}, kBytes); }), Contains("must be 1 to 1048576 pixels"));
    CHECK_THAT(error_message([] {
                   TrainTransform({8, {}, true}, Normalization{{0.5f}, {0.2f}});
               }),
               Contains("RGB needs 3 of each"));
}

TEST_CASE("seeded train views depend only on their keys", "[data][image_transforms]") {
    RgbImage image{40, 30, std::vector<std::uint8_t>(40 * 30 * 3)};
    lskd::Rng rng(9);
    for (auto& p : image.pixels) p = static_cast<std::uint8_t>(rng.next_u64() >> 56);
    const TrainTransform t({16, {}, true}, imagenet_normalization());
    std::vector<float> a(t.output_floats()), b(t.output_floats()), c(t.output_floats());
    TransformScratch s1, s2;
    SeededDraws d1(5, 2, 7), d2(5, 2, 7), d3(5, 3, 7);
    t.apply(image.view(), d1, s1, a.data());
    t.apply(image.view(), d3, s1, c.data());  // the scratch carries nothing from one view to the next
    t.apply(image.view(), d2, s2, b.data());
    CHECK(a == b);
    CHECK(a != c);
}

TEST_CASE("transforms equal torchvision's presets on PIL images", "[data][image_transforms]") {
    if (!torchvision_available()) {
        WARN("SKIPPED: /usr/bin/python3 has no torchvision; the transforms are only checked by hand");
        return;
    }
    TempDir dir;
    run_torchvision_reference({"transforms", dir.path().string()});
    const Normalization norm = imagenet_normalization();
    const TrainTransform train({48, {0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0}, true}, norm);
    TransformScratch scratch;
    std::ifstream index(dir / "cases.txt");
    std::size_t train_views = 0, eval_views = 0;
    for (std::string line; std::getline(index, line);) {
        std::istringstream row(line);
        std::string kind, k;
        std::int64_t w = 0, h = 0, a = 0, b = 0;
        row >> kind >> k >> w >> h >> a >> b;
        INFO(line);
        const RgbImage image{w, h, read_whole_file(dir / ("in" + k + ".rgb"))};
        if (kind == "train") {
            std::vector<RecordedDraw> draws;
            for (std::int64_t i = 0; i < b && std::getline(index, line); ++i) draws.push_back(parse_draw(line));
            ReplayDraws replay(draws);
            std::vector<float> out(train.output_floats());
            train.apply(image.view(), replay, scratch, out.data());
            CHECK(replay.all_used());
            const auto file = dir / ("train" + k + "_" + std::to_string(a) + ".f32");
            CHECK(max_abs_diff(out, read_floats(file, out.size())) <= 1e-6f);
            ++train_views;
        } else {
            const EvalTransform eval({a, b}, norm);
            std::vector<float> out(eval.output_floats());
            eval.apply(image.view(), scratch, out.data());
            const auto file = dir / ("eval" + k + "_" + std::to_string(a) + "_" + std::to_string(b) + ".f32");
            CHECK(max_abs_diff(out, read_floats(file, out.size())) <= 1e-6f);
            ++eval_views;
        }
    }
    CHECK(train_views == 24);
    CHECK(eval_views == 16);
}
