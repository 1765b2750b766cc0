#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "distill/run_directory.hpp"
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
    const auto before = tree_state(path);
    CHECK_THROWS_WITH(analyze_calibration(path), Catch::Contains(message));
    CHECK_THROWS_WITH(analyze_projection(path), Catch::Contains(message));
    CHECK_THROWS_WITH(analyze_mi(path), Catch::Contains(message));
    CHECK_THROWS_WITH(analyze_erasure(path), Catch::Contains(message));
    CHECK(tree_state(path) == before);
}

}  // namespace

TEST_CASE("a damaged, foreign or absent run is an error and stays as it was", "[study][bad_input]") {
    const std::string truncated = run_copy("damaged");
    const std::string checkpoint = distill::RunDirectory(truncated).checkpoint();
    std::filesystem::resize_file(checkpoint, std::filesystem::file_size(checkpoint) / 2);
    check_every_analysis_fails(truncated, "damaged");

    const std::string garbage = temp_dir("garbage").string();
    std::ofstream(distill::RunDirectory(garbage).checkpoint()) << "this is not an HDF5 file";
    check_every_analysis_fails(garbage, "not an HDF5 file");

    const std::string foreign = temp_dir("foreign").string();
    io::H5File::create(distill::RunDirectory(foreign).checkpoint()).write("/x", std::vector<double>{1, 2, 3});
    check_every_analysis_fails(foreign, "not an lskd checkpoint");

    const std::string empty = temp_dir("no_checkpoint").string();
    check_every_analysis_fails(empty, "no checkpoint.h5");

    const std::string file = temp_path("a_file.h5");
    io::H5File::create(file).write("/x", std::vector<double>{1, 2, 3});
    check_every_analysis_fails(file, "a run is a directory holding checkpoint.h5");

    CHECK_THROWS_AS(analyze_erasure(temp_path("absent")), Error);
    CHECK_FALSE(std::filesystem::exists(temp_path("absent")));
}

TEST_CASE("a run without parameters can be calibrated from its stored outputs but not probed, and the probe leaves "
          "it as it was",
          "[study][bad_input]") {
    const std::string path = run_copy("no_params");
    io::update_atomic(distill::RunDirectory(path).checkpoint(), [](io::H5File& f) { f.remove("/params"); });
    const auto before = tree_state(path);
    CHECK_THROWS_WITH(analyze_mi(path), Catch::Contains("no parameters"));
    CHECK(tree_state(path) == before);
    // Evaluated once: calibration reads the stored outputs and never the state.
    CHECK_NOTHROW(analyze_calibration(path));
}
