#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include "tests/test_dir.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/teacher.hpp"
#include "distill/trainer.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "study/sweep.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// 2 teachers, 3 students, 2 baselines of the run fixture's size.
std::string tiny_sweep(const std::string& dir, int teacher_epochs = 2) {
    const std::string recipe =
        "max-train: 600, max-test: 300, val-size: 200, batch: 64, lr: 0.05, threads: 1, record-per-class: 5";
    return fmt::format(R"(
output: {}
seeds: [1]
teacher: {{model: mlp, alphas: [0, 0.3], recipe: {{hidden: [32], epochs: {}, {}}}}}
student: {{model: mlp, recipe: {{hidden: [16], epochs: 2, {}}}}}
distill:
  - {{teacher-alpha: 0, temperatures: [1, 4]}}
  - {{teacher-alpha: 0.3, temperatures: 1}}
baselines: {{alphas: [0, 0.3]}}
)",
                       dir, teacher_epochs, recipe, recipe);
}

std::string fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / name;
    fs::remove_all(dir);
    return dir.string();
}

study::SweepOptions quiet_sweep() {
    study::SweepOptions o;
    o.quiet = true;
    return o;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Every file of the directory with its contents.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) files[e.path().string()] = read_text(e.path());
    return files;
}

std::size_t csv_rows(const std::string& dir) {
    std::ifstream in(fs::path(dir) / "summary.csv");
    std::string line;
    std::size_t lines = 0;
    while (std::getline(in, line)) ++lines;
    return lines - 1;  // the header
}

std::vector<std::string> h5_files_column(const std::string& dir) {
    return io::H5File::open_read((fs::path(dir) / "summary.h5").string()).read_strings("/file");
}

}  // namespace

TEST_CASE("a sweep trains teachers, students and baselines and summarises them", "[distill][sweep]") {
    const std::string dir = fresh_dir("sweep_full");
    study::SweepOptions o = quiet_sweep();
    o.epoch_metrics = [](const distill::RunConfig&, const data::Dataset&) {
        std::map<std::string, distill::EpochMetric> m;
        m["probe"] = [](models::Classifier&, const data::Dataset&, std::int64_t e) { return std::optional<double>(e); };
        return m;
    };
    const auto r = study::run_sweep(study::parse_sweep_config(tiny_sweep(dir), "tiny.yaml"), o);
    CHECK(r.total == 7);
    CHECK(r.trained == 7);
    CHECK(r.skipped == 0);
    REQUIRE(r.rows.size() == 7);

    const study::SummaryRow& teacher = r.rows[0];
    CHECK(teacher.role == "teacher");
    CHECK(teacher.gamma == 0);
    CHECK(std::isnan(teacher.temperature));
    const study::SummaryRow& student = r.rows[3];  // from the α = 0 teacher at T = 4
    CHECK(student.role == "student");
    CHECK(student.file == "runs/student_mlp_from-a0_T4_muller_s1");
    CHECK(student.temperature == 4);
    CHECK(student.beta == 1);
    CHECK(student.loss == "muller");
    CHECK(student.teacher_alpha == 0);
    CHECK(student.gamma == distill::load_run(fs::path(dir) / student.file).teacher->gamma);
    CHECK(r.rows[4].teacher_alpha == 0.3);
    CHECK(r.rows[6].role == "baseline");
    CHECK(r.rows[6].gamma == 0.3);
    for (const auto& row : r.rows) CHECK(row.test_acc > 0.4);
    // Per-epoch measurements asked for by the caller are recorded for every role.
    for (std::size_t i : {0, 3, 6})
        CHECK(distill::load_run(fs::path(dir) / r.rows[i].file).metrics.at("probe") == std::vector<double>{1, 2});

    // summary.h5 and summary.csv hold the same rows.
    CHECK(csv_rows(dir) == 7);
    const io::H5File f = io::H5File::open_read((fs::path(dir) / "summary.h5").string());
    for (const char* col :
         {"alpha", "teacher_alpha", "temperature", "beta", "seed", "gamma", "test_acc", "test_nll", "test_ece"})
        CHECK(f.shape(std::string("/") + col) == io::Dims{7});
    CHECK(f.read<double>("/test_acc").values[3] == student.test_acc);
    CHECK(f.read_strings("/role") ==
          std::vector<std::string>{"teacher", "teacher", "student", "student", "student", "baseline", "baseline"});
    const std::string csv = read_text(fs::path(dir) / "summary.csv");
    CHECK(csv.rfind("role,model,alpha,teacher_alpha,temperature,beta,loss,seed,gamma,val_acc,test_acc,test_nll,test_"
                    "ece,test_examples,file\n",
                    0) == 0);
    CHECK(csv.find("teacher,mlp,0,,,,,1,0,") != std::string::npos);
    // Both students of the α = 0 teacher shared its cached logits.
    CHECK(fs::exists(fs::path(dir) / "cache"));

    // A second run trains nothing.
    const auto again = study::run_sweep(study::parse_sweep_config(tiny_sweep(dir), "tiny.yaml"), quiet_sweep());
    CHECK(again.trained == 0);
    CHECK(again.skipped == 7);
}

TEST_CASE("an interrupted sweep resumes where it stopped", "[distill][sweep]") {
    const std::string dir = fresh_dir("sweep_resume");
    const study::SweepConfig config = study::parse_sweep_config(tiny_sweep(dir), "tiny.yaml");

    // Killed after the two teachers.
    study::SweepOptions killing = quiet_sweep();
    int finished = 0;
    killing.after_run = [&finished](const study::PlannedRun&) {
        if (++finished == 2) throw std::runtime_error("killed");
    };
    CHECK_THROWS_WITH(study::run_sweep(config, killing), "killed");
    CHECK(csv_rows(dir) == 2);
    CHECK(h5_files_column(dir) == std::vector<std::string>{"runs/teacher_mlp_a0_s1", "runs/teacher_mlp_a0.3_s1"});
    const std::string teacher_bytes = read_text(fs::path(dir) / "runs" / "teacher_mlp_a0_s1" / "checkpoint.h5");

    // One baseline killed in the middle of its second epoch, the other's checkpoint damaged by a crash of the disk.
    const auto plan = study::plan_sweep(config, dir);
    const study::PlannedRun& partial = plan[5];
    REQUIRE(partial.name == "baseline_mlp_a0_s1");
    distill::TrainHooks crash;
    crash.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&,
                                      std::int64_t e) -> std::optional<double> {
        if (e == 2) throw std::runtime_error("killed");
        return std::nullopt;
    };
    CHECK_THROWS(distill::train(partial.config, small_dataset(), quiet(), crash));
    REQUIRE_FALSE(distill::load_run(partial.config.output).complete);
    fs::create_directories(plan[6].config.output);
    std::ofstream(fs::path(plan[6].config.output) / "checkpoint.h5") << "half a file";

    std::vector<std::string> trained;
    study::SweepOptions resuming = quiet_sweep();
    resuming.after_run = [&trained](const study::PlannedRun& run) { trained.push_back(run.name); };
    const auto r = study::run_sweep(config, resuming);
    CHECK(r.skipped == 2);
    CHECK(trained == std::vector<std::string>{"student_mlp_from-a0_T1_muller_s1", "student_mlp_from-a0_T4_muller_s1",
                                              "student_mlp_from-a0.3_T1_muller_s1", "baseline_mlp_a0_s1",
                                              "baseline_mlp_a0.3_s1"});
    CHECK(read_text(fs::path(dir) / "runs" / "teacher_mlp_a0_s1" / "checkpoint.h5") ==
          teacher_bytes);  // skipped, untouched
    const distill::RunContents resumed = distill::load_run(partial.config.output);
    CHECK(resumed.complete);
    CHECK(resumed.metrics.at("epoch").size() == 2);
    CHECK(resumed.metrics.contains("crash"));  // the first epoch came from the interrupted run
    CHECK(distill::load_run(plan[6].config.output).complete);
    CHECK(csv_rows(dir) == 7);
    CHECK(h5_files_column(dir).size() == 7);
}

TEST_CASE("a bad sweep config or a conflicting run file stops the sweep before training, losing nothing",
          "[distill][sweep][errors]") {
    const std::string dir = fresh_dir("sweep_bad");
    const std::string good = tiny_sweep(dir);
    study::run_sweep(study::parse_sweep_config(good, "tiny.yaml"), quiet_sweep());
    const auto before = snapshot(dir);

    auto bad = [&good](const std::string& from, const std::string& to) {
        std::string s = good;
        return s.replace(s.find(from), from.size(), to);
    };
    CHECK_THROWS_WITH(
        study::run_sweep(study::parse_sweep_config(bad("seeds: [1]", "seeds: []"), "bad.yaml"), quiet_sweep()),
        Catch::Contains("must not be empty"));
    CHECK_THROWS_WITH(
        study::run_sweep(study::parse_sweep_config(bad("baselines:", "baseline:"), "bad.yaml"), quiet_sweep()),
        Catch::Contains("unknown key 'baseline'"));
    CHECK_THROWS_WITH(
        study::run_sweep(study::parse_sweep_config(bad("temperatures: [1, 4]", "temperatures: [1, -4]"), "bad.yaml"),
                         quiet_sweep()),
        Catch::Contains("temperature must be > 0"));
    // The same file names with another recipe: the finished runs are not overwritten.
    CHECK_THROWS_WITH(study::run_sweep(study::parse_sweep_config(tiny_sweep(dir, 3), "more.yaml"), quiet_sweep()),
                      Catch::Contains("teacher_mlp_a0_s1: trained with other settings") &&
                          Catch::Contains("epochs 3 here, 2 in the file"));
    CHECK(snapshot(dir) == before);
}

TEST_CASE("a parallel sweep runs its jobs as lskd processes and resumes like a sequential one",
          "[distill][sweep][parallel]") {
    const std::string lskd = LSKD_BINARY_DIR "/tools/lskd";
    if (!fs::exists(lskd)) {
        WARN("not built: " << lskd);
        return;
    }
    const std::string dir = fresh_dir("sweep_parallel");
    const study::SweepConfig config = study::parse_sweep_config(tiny_sweep(dir), "tiny.yaml");
    study::SweepOptions o = quiet_sweep();
    o.jobs = 2;
    o.executable = lskd;
    const auto r = study::run_sweep(config, o);
    CHECK(r.trained == 7);
    CHECK(csv_rows(dir) == 7);
    CHECK(fs::exists(fs::path(dir) / "logs" / "student_mlp_from-a0_T4_muller_s1.log"));

    // A student killed in its second epoch is resumed by its job, the rest skipped.
    const auto plan = study::plan_sweep(config, dir);
    const std::string student = plan[3].config.output;
    fs::remove_all(student);
    const auto teacher = distill::open_teacher(plan[3].config, small_dataset(), {});
    distill::TrainHooks crash;
    crash.teacher = teacher.get();
    crash.epoch_metrics["crash"] = [](models::Classifier&, const data::Dataset&,
                                      std::int64_t e) -> std::optional<double> {
        if (e == 2) throw std::runtime_error("killed");
        return std::nullopt;
    };
    CHECK_THROWS(distill::train(plan[3].config, small_dataset(), quiet(), crash));
    const auto again = study::run_sweep(config, o);
    CHECK(again.skipped == 6);
    CHECK(again.trained == 1);
    CHECK(distill::load_run(student).complete);
    CHECK(read_text(fs::path(dir) / "logs" / "student_mlp_from-a0_T4_muller_s1.log").find("test accuracy") !=
          std::string::npos);
}

TEST_CASE("a sweep directory that exists and is not a directory is refused naming what it is",
          "[distill][sweep][errors]") {
    const std::string path = fresh_dir("sweep_is_a_file");
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << "notes";
    CHECK_THROWS_WITH(study::run_sweep(study::parse_sweep_config(tiny_sweep(path), "tiny.yaml"), quiet_sweep()),
                      Catch::Equals(path + ": exists and is a regular file, not a directory to write into"));
    CHECK(read_text(path) == "notes");
    CHECK_FALSE(fs::exists(path + ".lock"));
}
