#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "analysis/temperature_scaling.hpp"
#include "distill/checkpoint.hpp"
#include "distill/evaluation.hpp"
#include "distill/run_directory.hpp"
#include "distill/trainer.hpp"
#include "framework/tensor/eigen_view.hpp"
#include "study/calibration_analysis.hpp"
#include "study/child_process.hpp"
#include "study/erasure_analysis.hpp"
#include "study/mi_analysis.hpp"
#include "study/projection_analysis.hpp"
#include "tests/study/analysis_files.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;
namespace fs = std::filesystem;

namespace {

// The run's files but the analysis file `own`, with their bytes and times.
std::map<std::string, FileState> all_but(const std::string& run, const std::string& own) {
    auto files = tree_state(run);
    files.erase(own);
    return files;
}

}  // namespace

TEST_CASE("an analysis writes only its own file: the checkpoint, records, outputs and other analyses keep their "
          "bytes and times",
          "[study][analysis_files]") {
    const std::string path = run_copy("own_file");
    const std::vector<std::pair<std::string, std::function<void()>>> analyses = {
        {"analyses/calibration.h5", [&] { analyze_calibration(path); }},
        {"analyses/projection.h5", [&] { analyze_projection(path); }},
        {"analyses/mi.h5", [&] { analyze_mi(path, small_mi_settings()); }},
        {"analyses/erasure.h5", [&] { analyze_erasure(path); }},
    };
    // Twice over: the second round replaces each result among the others'.
    for (int round = 0; round < 2; ++round)
        for (const auto& [own, analyse] : analyses) {
            const auto before = all_but(path, own);
            analyse();
            CHECK(all_but(path, own) == before);
            CHECK(fs::is_regular_file(fs::path(path) / own));
        }
    CHECK(tree_state(path).size() == tree_state(trained_run()).size() + analyses.size());
    CHECK(io::H5File::open_read(distill::RunDirectory(path).analysis("calibration")).attr_string("/", "analysis") ==
          "calibration");
}

TEST_CASE("calibration from the stored outputs gives the numbers of the model rebuilt on the validation split",
          "[study][analysis_files]") {
    const std::string path = run_copy("calibration_rebuilt");
    const CalibrationResult stored = analyze_calibration(path);

    const distill::RunContents run = distill::load_run(path);
    const data::Dataset dataset = distill::load_run_dataset(run.config);
    auto model = distill::load_model(run);
    const distill::SplitOutputs val =
        distill::run_model(*model, dataset.val, run.normalization, distill::kEvalBatch, false);
    const distill::SplitOutputs test =
        distill::run_model(*model, dataset.test, run.normalization, distill::kEvalBatch, false);
    const analysis::TemperatureScaling rebuilt =
        analysis::temperature_scaling(as_matrix(val.logits), val.labels, as_matrix(test.logits), test.labels);

    CHECK(stored.fit_examples == static_cast<std::int64_t>(val.labels.size()));
    CHECK(stored.report_examples == static_cast<std::int64_t>(test.labels.size()));
    CHECK(stored.scaling.fit.temperature == Approx(rebuilt.fit.temperature).epsilon(1e-6));
    CHECK(stored.scaling.fit.nll_after == Approx(rebuilt.fit.nll_after).epsilon(1e-6));
    CHECK(stored.scaling.before.ece == Approx(rebuilt.before.ece).epsilon(1e-6));
    CHECK(stored.scaling.after.ece == Approx(rebuilt.after.ece).epsilon(1e-6));
    CHECK(stored.scaling.before.nll == Approx(rebuilt.before.nll).epsilon(1e-6));
    CHECK(stored.scaling.after.nll == Approx(rebuilt.after.nll).epsilon(1e-6));
    CHECK(stored.scaling.before.accuracy == rebuilt.before.accuracy);
}

TEST_CASE("lskd analyze killed during an analysis and run again gives the uninterrupted result, nothing else "
          "changed",
          "[study][analysis_files][slow]") {
    const std::string lskd = LSKD_BINARY_DIR "/tools/lskd";
    if (!fs::exists(lskd)) {
        WARN("not built: " << lskd);
        return;
    }
    const auto log = (fs::path(temp_dir("analysis_kill_logs")) / "analyze.log").string();
    const auto analyze = [&](const std::string& run) {
        // All 120 training examples of the two classes, and enough views that the probe takes a while.
        return std::vector<std::string>{lskd,  "analyze", "mi", run,         "--examples",
                                        "120", "--views", "30", "--threads", "1"};
    };
    const std::string reference = run_copy("kill_reference");
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(run_child(analyze(reference), log) == 0);
    const auto whole = std::chrono::steady_clock::now() - started;
    const auto expected = h5_contents(distill::RunDirectory(reference).analysis("mi"));

    // Moments spread over the uninterrupted analysis: reading the run, probing, and writing the result.
    int killed = 0;  // the runs the kill stopped before they finished (a busy machine can shift the moments)
    for (const double fraction : {0.1, 0.3, 0.5, 0.7, 0.9}) {
        INFO("killed at " << fraction << " of the analysis");
        const std::string run = run_copy("kill_victim");
        const auto before = tree_state(run);
        const int pid = spawn_logged(analyze(run), log);
        std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(whole * fraction));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        killed += WIFSIGNALED(status) ? 1 : 0;

        REQUIRE(run_child(analyze(run), log) == 0);
        CHECK(h5_contents(distill::RunDirectory(run).analysis("mi")) == expected);
        CHECK(all_but(run, "analyses/mi.h5") == before);  // no temporary left, nothing else touched
    }
    CHECK(killed >= 3);
}
