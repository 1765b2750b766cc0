// A sweep whose teacher is a logits file (teacher: {logits: FILE}): its students are planned, checked, trained and
// summarised like an lskd teacher's, with γ worked out by hand from the file; a bad file stops the sweep first.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/teacher_logits.hpp"
#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"
#include "study/study.hpp"
#include "study/sweep.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// Logits 2 for the true class and 0 for the others on every training example of the run fixture's data, from a
// teacher of α = 0.05, with `num_classes` as given.
std::string write_logits(const std::string& name, std::int64_t num_classes = 10) {
    const data::Dataset& d = small_dataset();
    const std::string path = temp_path(name);
    const auto n = static_cast<std::int64_t>(d.train.labels.size());
    std::vector<float> logits(static_cast<std::size_t>(n * 10), 0.f);
    for (std::int64_t i = 0; i < n; ++i)
        logits[static_cast<std::size_t>(i * 10 + d.train.labels[static_cast<std::size_t>(i)])] = 2.f;
    io::H5File f = io::H5File::create(path);
    f.set_attr("/", "format", std::string(distill::kTeacherLogitsFormat));
    f.set_attr("/", "dataset", std::string("fashion-mnist"));
    f.set_attr("/", "num_classes", num_classes);
    f.set_attr("/", "smoothing", 0.05);
    f.write("/train/logits", logits, {n, 10});
    f.write("/train/indices", d.train.original_index);
    f.close();
    return path;
}

std::string sweep_yaml(const std::string& dir, const std::string& logits, const std::string& distill) {
    const std::string recipe = "hidden: [16], epochs: 1, max-train: 600, max-test: 300, val-size: 200, batch: 64, "
                               "lr: 0.05, threads: 1, record-per-class: 5";
    return fmt::format(R"(
output: {}
seeds: [1]
teacher: {{logits: {}}}
student: {{model: mlp, recipe: {{{}}}}}
distill: [{}]
baselines: {{alphas: [0.1]}}
)",
                       dir, logits, recipe, distill);
}

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / process_test_dir() / name;
    fs::remove_all(dir);
    return dir;
}

study::SweepOptions quiet_sweep() {
    study::SweepOptions o;
    o.quiet = true;
    return o;
}

std::size_t run_files(const fs::path& dir) {
    std::size_t n = 0;
    if (fs::exists(dir))
        for (const auto& e : fs::directory_iterator(dir)) n += fs::is_regular_file(e.path() / "checkpoint.h5");
    return n;
}

}  // namespace

TEST_CASE("a sweep's external teacher teaches its students like an lskd teacher", "[sweep][teacher_logits]") {
    const std::string logits = write_logits("external_teacher.h5");
    const fs::path dir = fresh_dir("sweep_external");
    const std::string yaml = sweep_yaml(dir.string(), logits, "{temperatures: [1, 2]}");
    const study::SweepConfig c = study::parse_sweep_config(yaml, "ext.yaml");
    CHECK(c.teacher_logits == logits);
    CHECK(c.teacher_alphas.empty());
    const auto plan = study::plan_sweep(c, dir.string());
    REQUIRE(plan.size() == 3);
    CHECK(plan[0].name == "student_mlp_from-external_teacher_T1_muller_s1");
    CHECK(plan[0].teacher_logits == logits);
    CHECK(!plan[0].teacher);
    CHECK(plan[0].config.teacher.empty());
    CHECK(plan[2].role == study::RunRole::baseline);

    const auto r = study::run_sweep(c, quiet_sweep());
    CHECK(r.trained == 3);
    REQUIRE(r.rows.size() == 3);
    // Softmax of (2, 0, …, 0) over 10 classes: wrong-class mass 9/(e² + 9), so γ = that · 10/9 = 10/(e² + 9);
    // at T = 2 the logits are (1, 0, …): γ = 10/(e + 9).
    CHECK(r.rows[0].role == "student");
    CHECK(r.rows[0].gamma == Approx(10.0 / (std::exp(2.0) + 9.0)).epsilon(1e-5));
    CHECK(r.rows[1].gamma == Approx(10.0 / (std::exp(1.0) + 9.0)).epsilon(1e-5));
    CHECK(r.rows[0].teacher_alpha == 0.05);
    CHECK(r.rows[1].temperature == 2);
    CHECK(r.rows[1].beta == 1);  // the Müller form's default, as for an lskd teacher's students
    CHECK(r.rows[2].gamma == 0.1);
    CHECK(distill::load_run((dir / r.rows[0].file).string()).teacher->file == logits);

    // Complete runs are recognised as the same settings, and a changed setting is refused.
    CHECK(study::run_sweep(c, quiet_sweep()).trained == 0);
    study::SweepOverrides lr;
    lr.sets = {"student.recipe.lr=0.1"};
    CHECK_THROWS_WITH(
        study::run_sweep(study::parse_sweep_config(yaml, "ext.yaml", lr), quiet_sweep()),
        Catch::Contains("trained with other settings") && Catch::Contains("lr 0.1 here, 0.05 in the file"));
    // Another logits file of the same name is another teacher.
    const fs::path other = fs::path(logits).parent_path() / "other" / "external_teacher.h5";
    fs::create_directories(other.parent_path());
    fs::copy_file(logits, other, fs::copy_options::overwrite_existing);
    CHECK_THROWS_WITH(
        study::run_sweep(
            study::parse_sweep_config(sweep_yaml(dir.string(), other.string(), "{temperatures: [1, 2]}"), "ext.yaml"),
            quiet_sweep()),
        Catch::Contains("distilled from the teacher logits " + logits + ", but the sweep names " + other.string()));
    // lskd study analyses the teachers it trains.
    study::StudyOptions so;
    so.out = fresh_dir("study_external").string();
    CHECK_THROWS_WITH(study::run_study(c, "ext", so), Catch::Contains("the teacher is external"));
}

TEST_CASE("a bad external teacher stops the sweep before any training, naming the file", "[sweep][teacher_logits]") {
    const fs::path dir = fresh_dir("sweep_external_bad");
    const std::string wrong_k = write_logits("external_k3.h5", 3);
    CHECK_THROWS_WITH(
        study::run_sweep(study::parse_sweep_config(sweep_yaml(dir.string(), wrong_k, "{temperatures: 1}"), "e.yaml"),
                         quiet_sweep()),
        Catch::Contains(wrong_k) && Catch::Contains("num_classes is 3, but data set fashion-mnist has 10 classes"));
    CHECK(run_files(dir) == 0);

    const std::string missing = temp_path("no_such_logits.h5");
    CHECK_THROWS_WITH(
        study::run_sweep(study::parse_sweep_config(sweep_yaml(dir.string(), missing, "{temperatures: 1}"), "e.yaml"),
                         quiet_sweep()),
        Catch::Equals("e.yaml: teacher.logits: " + missing + " does not exist or is not a file"));

    const std::string logits = write_logits("external_ok.h5");
    CHECK_THROWS_WITH(
        study::parse_sweep_config(sweep_yaml(dir.string(), logits, "{teacher-alpha: 0, temperatures: 1}"), "e.yaml"),
        Catch::Contains("'distill[0]' gives a teacher-alpha, but the teacher is external"));
    CHECK_THROWS_WITH(
        study::parse_sweep_config("seeds: [1]\nteacher: {logits: x.h5, model: mlp}\nstudent: {model: mlp}\n", "e.yaml"),
        Catch::Contains("has no 'model'"));
}
