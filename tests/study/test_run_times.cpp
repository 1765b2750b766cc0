#include <filesystem>
#include <numeric>

#include <catch2/catch.hpp>

#include "distill/run_file.hpp"
#include "study/report.hpp"
#include "study/run_times.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;

TEST_CASE("the run files' phase seconds are summed over the runs, and unreadable files add nothing",
          "[study][report]") {
    const std::string path = trained_run();
    const auto m = distill::load_run(path).metrics;
    const auto sum = [&](const char* name) { return std::accumulate(m.at(name).begin(), m.at(name).end(), 0.0); };
    SummaryRow row, missing;
    row.file = std::filesystem::path(path).filename().string();
    missing.file = "no_such_run.h5";
    const RunTimes t = sum_run_times(std::filesystem::path(path).parent_path().string(), {row, row, missing});
    CHECK(t.runs == 2);
    CHECK(t.train_seconds == Approx(2 * sum("train_seconds")));
    CHECK(t.eval_seconds == Approx(2 * sum("eval_seconds")));
    CHECK(t.metric_seconds == Approx(2 * sum("metric_seconds")));
    CHECK(sum("eval_seconds") > 0);
    CHECK(cpu_seconds() > 0);
}

TEST_CASE("the report's setup prints wall, CPU, analysis and the runs' phase times", "[study][report]") {
    StudySetup setup;
    setup.dataset = "fashion-mnist";
    setup.runs = 4;
    setup.seconds = 100.4;
    setup.cpu_seconds = 180.6;
    setup.analysis_seconds = 12.2;
    setup.run_times = {90.0, 40.0, 25.0, 3};
    const std::string report = render_report(setup, {}, {}, {}, {});
    CHECK(report.find("took 100 s wall, 181 s CPU") != std::string::npos);
    CHECK(report.find("12 s of it analysing teachers and drawing figures") != std::string::npos);
    CHECK(report.find("recorded in 3 of 4 run files (whenever they were trained): 90 s training, 40 s evaluating "
                      "validation and test, 25 s estimating MI") != std::string::npos);
}
