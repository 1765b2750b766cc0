// A sweep directory's layout: the paths of runs/, cache/ and logs/, and an older flat directory moved into them
// so that a sweep resumes it without retraining.
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "study/result_layout.hpp"
#include "study/sweep.hpp"
#include "tests/test_dir.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void touch(const fs::path& path, const std::string& text = "x") {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

std::set<std::string> entries(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir)) names.insert(fs::relative(e.path(), dir).string());
    return names;
}

}  // namespace

TEST_CASE("run directories go to runs/, the teacher cache to cache/, job logs and configs to logs/",
          "[study][layout]") {
    CHECK(study::layout::run_entry("teacher_mlp_a0_s1") == "runs/teacher_mlp_a0_s1");
    CHECK(study::layout::run_path("out", "teacher_mlp_a0_s1") == "out/runs/teacher_mlp_a0_s1");
    CHECK(study::layout::cache_dir("out") == "out/cache");
    CHECK(study::layout::logs_dir("out") == "out/logs");
    // A run's name is its directory's, dots of its α included.
    CHECK(study::layout::job_log("out", "baseline_mlp_a0.1_s1") == "out/logs/baseline_mlp_a0.1_s1.log");
    CHECK(study::layout::job_config("out", "baseline_mlp_a0.1_s1") == "out/logs/baseline_mlp_a0.1_s1.yaml");
}

TEST_CASE("a flat directory's run directories and teacher cache move into place and other files stay",
          "[study][layout]") {
    const fs::path dir = fresh_dir("layout_flat");
    touch(dir / "teacher_a0" / "checkpoint.h5", "teacher");
    touch(dir / "teacher_a0" / "records" / "train_epoch_1.h5");
    touch(dir / "baseline_a0" / "records" / "train_epoch_1.h5");  // killed before its first checkpoint
    touch(dir / "teacher_cache" / "abc.h5");
    touch(dir / "summary.csv");
    touch(dir / "notes.h5");  // not a run of the plan
    const std::vector<std::string> names{"teacher_a0", "baseline_a0", "student_T1"};
    CHECK(study::layout::adopt_flat_layout(dir.string(), names) == 3);
    CHECK(entries(dir) == std::set<std::string>{"runs", "runs/teacher_a0", "runs/teacher_a0/checkpoint.h5",
                                                "runs/teacher_a0/records", "runs/teacher_a0/records/train_epoch_1.h5",
                                                "runs/baseline_a0", "runs/baseline_a0/records",
                                                "runs/baseline_a0/records/train_epoch_1.h5", "cache", "cache/abc.h5",
                                                "summary.csv", "notes.h5"});
    std::ifstream moved(dir / "runs" / "teacher_a0" / "checkpoint.h5");
    CHECK(std::string(std::istreambuf_iterator<char>(moved), {}) == "teacher");
    // Done already: nothing moves a second time.
    CHECK(study::layout::adopt_flat_layout(dir.string(), names) == 0);

    // A cache of each layout: the old one's files join the new one's.
    touch(dir / "teacher_cache" / "def.h5");
    touch(dir / "teacher_cache" / "abc.h5");
    CHECK(study::layout::adopt_flat_layout(dir.string(), names) == 1);
    CHECK(fs::exists(dir / "cache" / "def.h5"));
    CHECK(fs::exists(dir / "teacher_cache" / "abc.h5"));  // the same teacher's, left for the user to see
}

TEST_CASE("a run in both layouts is an error naming both", "[study][layout]") {
    const fs::path dir = fresh_dir("layout_both");
    touch(dir / "teacher_a0" / "checkpoint.h5");
    touch(dir / "runs" / "teacher_a0" / "checkpoint.h5");
    CHECK_THROWS_WITH(study::layout::adopt_flat_layout(dir.string(), {"teacher_a0"}),
                      Catch::Contains((dir / "teacher_a0").string() + ": also present as " +
                                      (dir / "runs" / "teacher_a0").string()) &&
                          Catch::Contains("remove the one you do not want"));
}

TEST_CASE("a run file of an earlier lskd, at the top or in runs/, is an error naming the conversion command",
          "[study][layout]") {
    for (const fs::path& where : {fs::path(), fs::path("runs")}) {
        const fs::path dir = fresh_dir("layout_legacy");
        touch(dir / where / "teacher_a0.h5");
        const auto before = entries(dir);
        CHECK_THROWS_WITH(
            study::layout::adopt_flat_layout(dir.string(), {"teacher_a0"}),
            Catch::Contains((dir / where / "teacher_a0.h5").string() + ": a run file of an earlier lskd") &&
                Catch::Contains("lskd convert-run " + (dir / where / "teacher_a0.h5").string() + " " +
                                (dir / "runs" / "teacher_a0").string()));
        CHECK(entries(dir) == before);
    }
}

TEST_CASE("a sweep resumes a directory of the older flat layout without retraining its finished runs",
          "[study][layout][sweep]") {
    const fs::path dir = fresh_dir("layout_resume");
    const std::string recipe =
        "max-train: 300, max-test: 200, val-size: 100, batch: 50, lr: 0.05, threads: 1, record-per-class: 4";
    const std::string yaml = fmt::format(R"(
output: {}
seeds: [1]
teacher: {{model: mlp, alphas: [0], recipe: {{hidden: [16], epochs: 1, {}}}}}
student: {{model: mlp, recipe: {{hidden: [8], epochs: 1, {}}}}}
distill: [{{teacher-alpha: 0, temperatures: [2]}}]
baselines: {{alphas: [0]}}
)",
                                         dir.string(), recipe, recipe);
    study::SweepOptions quiet;
    quiet.quiet = true;
    REQUIRE(study::run_sweep(study::parse_sweep_config(yaml, "flat.yaml"), quiet).trained == 3);

    // As an lskd before runs/ and cache/ left it: every run at the top, the cache beside them.
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(dir / "runs")) runs.push_back(e.path());
    for (const fs::path& run : runs) fs::rename(run, dir / run.filename());
    fs::remove(dir / "runs");
    fs::rename(dir / "cache", dir / "teacher_cache");
    const std::string student_bytes = [&] {
        std::ifstream in(dir / "student_mlp_from-a0_T2_muller_s1" / "checkpoint.h5", std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();

    const study::SweepResult again = study::run_sweep(study::parse_sweep_config(yaml, "flat.yaml"), quiet);
    CHECK(again.trained == 0);
    CHECK(again.skipped == 3);
    std::ifstream in(dir / "runs" / "student_mlp_from-a0_T2_muller_s1" / "checkpoint.h5", std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == student_bytes);
    CHECK(fs::exists(dir / "runs" / "teacher_mlp_a0_s1" / "metrics.csv"));
    CHECK(fs::is_directory(dir / "cache"));
    CHECK_FALSE(fs::exists(dir / "teacher_cache"));
    CHECK_FALSE(fs::exists(dir / "teacher_mlp_a0_s1"));
    CHECK(again.rows.at(0).file == "runs/teacher_mlp_a0_s1");
}
