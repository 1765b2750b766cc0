// A tiny study end to end: two teachers, their students and baselines on a few hundred Fashion-MNIST
// examples for one epoch; every output must exist and the report's tables must match summary.h5.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include "tests/test_dir.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "framework/data/image_set.hpp"
#include "framework/io/h5_file.hpp"
#include "study/builtin_configs.hpp"
#include "study/references.hpp"
#include "study/study.hpp"
#include "study/sweep_config.hpp"
#include "tests/data/fixtures.hpp"

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

    // The top of the directory holds what a reader opens; the runs, the cache and the logs are in folders.
    std::set<std::string> top;
    for (const auto& e : fs::directory_iterator(dir)) top.insert(e.path().filename().string());
    CHECK(top == std::set<std::string>{"report.md", "summary.h5", "summary.csv", "teachers.h5", "teachers.csv", "plots",
                                       "runs", "cache", "logs"});
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
    for (double a : teachers.read<double>("/test_acc", 1).values)
        CHECK(report.find(fmt::format("| {:.4f} |", a)) != std::string::npos);
    CHECK(report.find("## Claims") != std::string::npos);
    CHECK(report.find("![plots/figure5_accuracy_vs_gamma.png](plots/figure5_accuracy_vs_gamma.png)") !=
          std::string::npos);
    CHECK(report.find("| id | claim | source | verdict | deciding numbers (95 % intervals) | MDE | runs used |") !=
          std::string::npos);
    CHECK(report.find("| M5 | The hard-target teacher's student at its validation-best T beats") != std::string::npos);
    CHECK(report.find("Bonferroni bound") != std::string::npos);
    CHECK(report.find("## Seed groups") != std::string::npos);
    // The summary keeps the validation accuracy that selections use, and the test-set size behind each accuracy.
    for (double v : summary.read<double>("/val_acc", 1).values) CHECK((v >= 0 && v <= 1));
    for (double n : summary.read<double>("/test_examples", 1).values) CHECK(n == 200);
    // Each teacher analysis is a file of its own in its run; the checkpoint holds none.
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (role[i] != "teacher") continue;
        const distill::RunDirectory run((dir / files[i]).string());
        for (const char* name : {"calibration", "projection", "projection_2", "mi", "erasure"}) {
            INFO(files[i] << " " << name);
            CHECK(fs::is_regular_file(run.analysis(name)));
        }
        CHECK_FALSE(io::H5File::open_read(run.checkpoint()).has("/analysis"));
    }

    // A second call with everything finished trains nothing and reuses the analyses.
    const auto second = study::run_study(study::parse_sweep_config(kTinyStudy, "tiny"), "tiny", options);
    CHECK(second.trained == 0);
    CHECK_FALSE(second.analysed);
}

TEST_CASE("mnist-paper is built in: dropout for the hard teacher only, logit matching for the students", "[study]") {
    const study::SweepConfig c = study::study_config("mnist-paper");
    CHECK(c.teacher.dataset == "mnist");
    CHECK(c.teacher.model == "mlp-1200");
    CHECK(c.student.model == "mlp-800");
    CHECK(c.teacher_alphas == std::vector<double>{0, 0.1});
    CHECK(c.teacher.dropout == 0);
    REQUIRE(c.teacher_by_alpha.count(0.0) == 1);
    CHECK(c.teacher_by_alpha.at(0.0).dropout == 0.5);
    CHECK(c.teacher_by_alpha.at(0.0).shift == 2);  // the shared recipe is kept under the extra keys
    CHECK(c.student.loss == "logit-mse");
    CHECK(c.student.beta == 0.6);
    CHECK_FALSE(c.student.augment);
    CHECK(c.teacher.augment);
}

TEST_CASE("teacher.alpha-recipes must name a listed α once", "[study]") {
    const auto config = [](const std::string& recipes) {
        return "seeds: [1]\noutput: x\nteacher: {model: mlp, alphas: [0, 0.1], alpha-recipes: " + recipes +
               "}\nstudent: {model: mlp}\n";
    };
    CHECK(study::parse_sweep_config(config("[{alpha: 0.1, recipe: {dropout: 0.2}}]"), "t").teacher_by_alpha.size() ==
          1);
    CHECK_THROWS_WITH(study::parse_sweep_config(config("[{alpha: 0.3, recipe: {dropout: 0.2}}]"), "t"),
                      Catch::Contains("names α = 0.3, which is not among teacher.alphas"));
    CHECK_THROWS_WITH(study::parse_sweep_config(config("[{alpha: 0, recipe: {}}, {alpha: 0, recipe: {}}]"), "t"),
                      Catch::Contains("repeats α = 0"));
    CHECK_THROWS_WITH(study::parse_sweep_config(config("[{alpha: 0, recipe: {seed: 3}}]"), "t"),
                      Catch::Contains("which the sweep sets itself"));
}

TEST_CASE("the published numbers are printed beside a study of the same data set and model", "[study]") {
    const auto& refs = study::published_references();
    CHECK(refs.size() == 11);
    study::TeacherRow hard, smooth;
    hard.alpha = 0, hard.test_acc = 0.9925;
    smooth.alpha = 0.1, smooth.test_acc = 0.9950;
    const std::string table = study::reference_table(refs, "mnist", "mlp-1200", "mlp-800", {hard, smooth}, {});
    // Teacher errors: 100 − 99.25 = 0.75 % and 100 − 99.50 = 0.50 %, beside M's 0.67 % and 0.59 %.
    CHECK(table.find("| M §4, App. A.5 | mnist | mlp-1200 | teacher-error | α = 0 | 0.67 | 0.75 (one seed) |") !=
          std::string::npos);
    CHECK(table.find("| α = 0.1 | 0.59 | 0.50 (one seed) |") != std::string::npos);
    CHECK(table.find("| student-error | α = 0 | 0.74 | – |") != std::string::npos);
    CHECK(study::reference_table(refs, "fashion-mnist", "mlp-1200", "mlp-800", {hard}, {}).empty());
    CHECK_THROWS_WITH(
        study::parse_references("references:\n  - {source: x, dataset: d, model: m, quantity: speed, alpha: 0, "
                                "value: 1}\n",
                                "refs.yaml"),
        Catch::Contains("refs.yaml: references[0]: unknown quantity 'speed'"));
    CHECK_THROWS_WITH(study::parse_references("references: " + std::string(100, '[') + "\n", "deep.yaml"),
                      "deep.yaml: line 1: nested more than 64 levels deep");
}

TEST_CASE("the mnist-paper protocol runs end to end on small IDX files", "[study][slow]") {
    const data::testing::TempDir mnist;
    data::testing::write_idx_dir(mnist.path(), data::testing::synthetic_set(300, 28, 28, 1, 10, 1),
                                 data::testing::synthetic_set(100, 28, 28, 1, 10, 2), false);
    study::SweepConfig c = study::study_config("mnist-paper");
    std::vector<distill::RunConfig*> recipes = {&c.teacher, &c.student};
    for (auto& [alpha, t] : c.teacher_by_alpha) recipes.push_back(&t);
    for (distill::RunConfig* r : recipes) {
        r->data_dir = mnist.path().string();
        r->val_size = 100;
        r->epochs = 1;
        r->threads = 1;
        r->record_per_class = 5;
        if (r == &c.student) continue;  // students estimate no MI: the keys would be refused
        r->mi_examples = 20;
        r->mi_views = 2;
    }
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / "mnist-paper";
    fs::remove_all(dir);
    study::StudyOptions options;
    options.out = dir.string();
    options.quiet = true;
    const auto result = study::run_study(c, "mnist-paper", options);
    CHECK(result.trained == 6);
    const std::string report = read_text(dir / "report.md");
    CHECK(report.find("| M8 | With logit matching") != std::string::npos);
    CHECK(report.find("| M §4, App. A.5 | mnist | mlp-1200 | teacher-error | α = 0 | 0.67 |") != std::string::npos);
    CHECK(distill::load_run((dir / "runs" / "teacher_mlp-1200_a0_s1").string()).config.dropout == 0.5);
    CHECK(distill::load_run((dir / "runs" / "teacher_mlp-1200_a0.1_s1").string()).config.dropout == 0);
}

TEST_CASE("a study directory that exists and is not a directory is refused naming what it is", "[study][errors]") {
    const fs::path path = fs::temp_directory_path() / lskd::testing::process_test_dir() / "study_is_a_file";
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "notes";
    study::StudyOptions options;
    options.out = path.string();
    options.quiet = true;
    CHECK_THROWS_WITH(study::run_study(study::parse_sweep_config(kTinyStudy, "tiny"), "tiny", options),
                      Catch::Equals(path.string() + ": exists and is a regular file, not a directory to write into"));
    CHECK(fs::file_size(path) == 5);
}
