#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/pipeline_benchmark.hpp"
#include "framework/core/error.hpp"
#include "tests/data/image_fixtures.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;

namespace {

// Three 64x48 JPEGs in each of two class folders.
std::filesystem::path jpeg_folder() {
    const std::filesystem::path root = testing::temp_path("pipeline-bench");
    for (int k = 0; k < 2; ++k) {
        const std::filesystem::path folder = root / fmt::format("c{}", k);
        std::filesystem::create_directories(folder);
        for (int i = 0; i < 3; ++i) {
            data::testing::JpegSpec spec;
            spec.pixels = data::testing::photo_pixels(64, 48, 3, static_cast<std::uint64_t>(10 * k + i));
            const auto bytes = data::testing::encode_jpeg(spec);
            std::ofstream(folder / fmt::format("i{}.jpg", i), std::ios::binary)
                .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        }
    }
    return root;
}

}  // namespace

TEST_CASE("the pipeline benchmark times full batches of a folder", "[distill][pipeline_benchmark]") {
    distill::PipelineBenchmarkSpec spec;
    spec.dir = jpeg_folder();
    spec.threads = 1;
    spec.batch = 4;  // 6 images: one full batch an epoch, so the timed batches cross epochs
    spec.size = 32;
    spec.batches = 3;
    spec.warmup = 1;
    const distill::PipelineBenchmark r = distill::run_pipeline_benchmark(spec);
    CHECK(r.images == 6);
    CHECK(r.threads == 1);
    CHECK(r.batch.wall_s > 0);
    const auto numbers = r.numbers();
    CHECK(numbers.at("img_per_s") == Approx(4 / r.batch.wall_s));
    CHECK(numbers.at("img_per_cpu_s") == Approx(4 / r.batch.cpu_s));
    CHECK(numbers.at("scaled_decode") == 1);

    spec.batch = 7;
    try {
        distill::run_pipeline_benchmark(spec);
        FAIL("a batch larger than the folder was accepted");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("fewer than one batch of 7"));
    }
    std::filesystem::remove_all(spec.dir);
}
