#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "study/calibration_analysis.hpp"
#include "study/erasure_analysis.hpp"
#include "study/mi_analysis.hpp"
#include "study/projection_analysis.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;

namespace {

void check_every_analysis_fails(const std::string& path, const std::string& message) {
    const auto before = file_bytes(path);
    CHECK_THROWS_WITH(analyze_calibration(path), Catch::Contains(message));
    CHECK_THROWS_WITH(analyze_projection(path), Catch::Contains(message));
    CHECK_THROWS_WITH(analyze_mi(path), Catch::Contains(message));
    CHECK_THROWS_WITH(analyze_erasure(path), Catch::Contains(message));
    CHECK(file_bytes(path) == before);
}

}  // namespace

TEST_CASE("a damaged, foreign or absent run file is an error and stays as it was", "[study][bad_input]") {
    const std::string truncated = run_copy("damaged.h5");
    std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 2);
    check_every_analysis_fails(truncated, "damaged.h5");

    const std::string garbage = temp_path("garbage.h5");
    std::ofstream(garbage) << "this is not an HDF5 file";
    check_every_analysis_fails(garbage, "not an HDF5 file");

    const std::string foreign = temp_path("foreign.h5");
    io::H5File::create(foreign).write("/x", std::vector<double>{1, 2, 3});
    check_every_analysis_fails(foreign, "not an lskd run file");

    CHECK_THROWS_AS(analyze_erasure(temp_path("absent.h5")), Error);
    CHECK_FALSE(std::filesystem::exists(temp_path("absent.h5")));
}

TEST_CASE("a run file without parameters cannot be calibrated or probed, and stays as it was", "[study][bad_input]") {
    const std::string path = run_copy("no_params.h5");
    io::update_atomic(path, [](io::H5File& f) { f.remove("/params"); });
    const auto before = file_bytes(path);
    CHECK_THROWS_WITH(analyze_calibration(path), Catch::Contains("no parameters"));
    CHECK_THROWS_WITH(analyze_mi(path), Catch::Contains("no parameters"));
    CHECK(file_bytes(path) == before);
}
