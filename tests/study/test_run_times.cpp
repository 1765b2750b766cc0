#include <filesystem>
#include <numeric>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "study/report.hpp"
#include "study/run_times.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;

TEST_CASE("the runs' phase seconds are summed from their checkpoints, and unreadable runs add nothing",
          "[study][report]") {
    const std::string path = trained_run();
    const auto m = distill::load_run(path).metrics;
    const auto sum = [&](const char* name) { return std::accumulate(m.at(name).begin(), m.at(name).end(), 0.0); };
    SummaryRow row, missing;
    row.file = std::filesystem::path(path).filename().string();
    missing.file = "no_such_run";
    // The same run in two rows (a teacher doubling as a baseline) is one run's time.
    const RunTimes t = sum_run_times(std::filesystem::path(path).parent_path().string(), {row, row, missing});
    CHECK(t.runs == 1);
    CHECK(t.train_seconds == Approx(sum("train_seconds")));
    CHECK(t.eval_seconds == Approx(sum("eval_seconds")));
    CHECK(t.metric_seconds == Approx(sum("metric_seconds")));
    CHECK(sum("eval_seconds") > 0);
    const distill::RunContents run = distill::load_run(path);
    CHECK(t.io_runs == 1);
    CHECK(t.setup_seconds == Approx(run.setup_seconds));
    CHECK(t.write_seconds == Approx(run.write_seconds));
    CHECK(run.write_seconds > 0);
    CHECK(cpu_seconds() > 0);
}

TEST_CASE("the report's time section names each phase and what remains of the CPU time", "[study][report]") {
    StudySetup setup;
    setup.dataset = "fashion-mnist";
    setup.runs = 4;
    setup.seconds = 100.4;
    setup.cpu_seconds = 180.6;
    setup.analysis_seconds = 12.2;
    setup.run_times = {90.0, 40.0, 25.0, 3, 2.0, 6.0, 4};
    const std::string report = render_report(setup, {}, {}, {}, {});
    CHECK(report.find("this invocation took 100 s wall, 181 s CPU") != std::string::npos);
    CHECK(report.find("summed over the 3 of 4 runs that record them (whenever they were trained): 90 s "
                      "training, 40 s evaluating validation and test, 25 s estimating MI") != std::string::npos);
    CHECK(report.find("likewise over the 4 of 4 runs that record them: 6 s writing files") != std::string::npos);
    CHECK(report.find("2 s setting runs up") != std::string::npos);
    CHECK(report.find("12 s analysing teachers and drawing figures") != std::string::npos);
    // 90 + 40 + 25 + 6 + 2 + 12.2 = 175.2 of 180.6 CPU seconds.
    CHECK(report.find("named parts 175 s; unattributed 5 s of the CPU time: loading the data sets") !=
          std::string::npos);

    setup.cpu_seconds = 150;  // less than the parts: said, not hidden
    CHECK(render_report(setup, {}, {}, {}, {}).find("unattributed -25 s of the CPU time") != std::string::npos);
}
