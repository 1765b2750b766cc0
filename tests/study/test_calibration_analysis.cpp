#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "study/calibration_analysis.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;

TEST_CASE("calibration stores the reliability diagrams, T and the scores with its parameters", "[study][calibration]") {
    const std::string path = run_copy("calibration");
    const CalibrationResult r = analyze_calibration(path);
    const distill::RunHeader run = distill::read_run_header(path);

    // The stored test logits are the ones the run scored at its last epoch.
    CHECK(r.scaling.before.ece == Approx(run.metrics.at("test_ece").back()).epsilon(1e-9));
    CHECK(r.scaling.before.accuracy == Approx(run.metrics.at("test_acc").back()).epsilon(1e-9));
    CHECK(r.scaling.after.accuracy == r.scaling.before.accuracy);
    CHECK(r.fit_examples == 200);
    CHECK(r.report_examples == 300);
    CHECK(r.scaling.fit.nll_after <= r.scaling.fit.nll_before);

    const std::string file = distill::RunDirectory(path).analysis("calibration");
    const io::H5File f = io::H5File::open_read(file);
    CHECK(f.attr_int64("/", "bins") == 15);
    CHECK(f.attr_string("/", "fit_split") == "val");
    CHECK(f.attr_string("/", "report_split") == "test");
    CHECK(f.attr_double("/", "temperature") == r.scaling.fit.temperature);
    CHECK(f.attr_double("/", "ece_before") == r.scaling.before.ece);
    CHECK(f.attr_double("/", "ece_after") == r.scaling.after.ece);
    CHECK(f.attr_double("/after", "temperature") == r.scaling.fit.temperature);
    for (const std::string part : {"/before", "/after"}) {
        const auto count = f.read<std::int64_t>(part + "/count").values;
        REQUIRE(count.size() == 15);
        std::int64_t total = 0;
        for (auto c : count) total += c;
        CHECK(total == 300);
        CHECK(f.read<double>(part + "/upper").values.back() == 1.0);
        CHECK(f.shape(part + "/accuracy") == io::Dims{15});
    }
    CHECK(format_table(r).find("after temperature scaling") != std::string::npos);
    CHECK(summarize(r).numbers.at("temperature") == r.scaling.fit.temperature);

    // A rerun with other parameters replaces the file.
    CalibrationOptions ten;
    ten.bins = 10;
    analyze_calibration(path, ten);
    CHECK(io::H5File::open_read(file).shape("/before/count") == io::Dims{10});
}

TEST_CASE("calibration: bad input is an error and leaves the run unchanged", "[study][calibration]") {
    const std::string path = run_copy("calibration_bad");
    CalibrationOptions zero;
    zero.bins = 0;
    auto before = tree_state(path);
    CHECK_THROWS_AS(analyze_calibration(path, zero), Error);
    CHECK(tree_state(path) == before);

    const distill::RunDirectory run(path);
    std::filesystem::remove(run.outputs("val"));
    before = tree_state(path);
    CHECK_THROWS_WITH(analyze_calibration(path), Catch::Contains(run.outputs("val")));
    CHECK(tree_state(path) == before);

    std::filesystem::remove(run.outputs("test"));
    before = tree_state(path);
    CHECK_THROWS_WITH(analyze_calibration(path), Catch::Contains(run.outputs("test")));
    CHECK(tree_state(path) == before);
}
