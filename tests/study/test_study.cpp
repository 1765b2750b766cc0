// A tiny study end to end: two teachers, their students and baselines on a few hundred Fashion-MNIST
// examples for one epoch; every output must exist and the report's tables must match summary.h5.
#include <filesystem>
#include "tests/test_dir.hpp"
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "study/study.hpp"
#include "study/sweep_config.hpp"
#include "framework/io/h5_file.hpp"

using namespace lskd;
namespace fs = std::filesystem;

namespace {

const char* kTinyStudy = R"(
output: unused
dataset: fashion-mnist
seeds: [1]
teacher:
  model: mlp
  alphas: [0, 0.3]
  recipe: {hidden: [32], max-train: 400, max-test: 200, val-size: 200, epochs: 1, batch: 50, lr: 0.05,
           threads: 1, record-per-class: 5, mi-examples: 20, mi-views: 2}
student:
  model: mlp
  loss: muller
  recipe: {hidden: [16], max-train: 400, max-test: 200, val-size: 200, epochs: 1, batch: 50, lr: 0.05,
           threads: 1, record-per-class: 5}
distill:
  - {teacher-alpha: 0, temperatures: [1, 2]}
  - {teacher-alpha: [0.3], temperatures: [1]}
baselines: {alphas: [0, 0.3]}
)";

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("a tiny study writes every output and a report whose tables match summary.h5", "[study][slow]") {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / "tiny-study";
    fs::remove_all(dir);
    study::StudyOptions options;
    options.out = dir.string();
    options.quiet = true;
    const auto first = study::run_study(study::parse_sweep_config(kTinyStudy, "tiny"), "tiny", options);
    CHECK(first.trained == 7);
    CHECK(first.analysed);

    for (const char* name : {"report.md", "summary.h5", "summary.csv", "teachers.h5", "teachers.csv"})
        CHECK(fs::exists(dir / name));
    const io::H5File summary = io::H5File::open_read((dir / "summary.h5").string());
    const auto files = summary.read_strings("/file");
    const auto acc = summary.read<double>("/test_acc", 1).values;
    const auto role = summary.read_strings("/role");
    REQUIRE(files.size() == 7);
    for (const auto& f : files) CHECK(fs::exists(dir / f));
    int pngs = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir / "plots")) pngs += e.path().extension() == ".png";
    CHECK(pngs >= 4);

    const std::string report = read_text(dir / "report.md");
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (role[i] == "teacher") continue;  // teachers appear in the teacher table, with more digits below
        INFO(files[i]);
        CHECK(report.find(fmt::format("| {:.4f} |", acc[i])) != std::string::npos);
        CHECK(report.find(files[i]) != std::string::npos);
    }
    const io::H5File teachers = io::H5File::open_read((dir / "teachers.h5").string());
    for (double a : teachers.read<double>("/test_acc", 1).values) CHECK(report.find(fmt::format("| {:.4f} |", a)) != std::string::npos);
    CHECK(report.find("## Claims") != std::string::npos);
    CHECK(report.find("![plots/figure5_accuracy_vs_gamma.png](plots/figure5_accuracy_vs_gamma.png)") != std::string::npos);
    CHECK(report.find("Students of the hard-target teacher beat students of smoothed teachers.") != std::string::npos);

    // A second call with everything finished trains nothing and reuses the analyses.
    const auto second = study::run_study(study::parse_sweep_config(kTinyStudy, "tiny"), "tiny", options);
    CHECK(second.trained == 0);
    CHECK_FALSE(second.analysed);
}
