#include <algorithm>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "study/study.hpp"
#include "study/sweep_config.hpp"
#include "study/sweep_plan.hpp"

using namespace lskd;
using namespace lskd::study;

namespace {

const char* kSequenceSweep = R"(
output: out
dataset: cmudict
seeds: [1, 2]
teacher: {model: transformer-tiny, alphas: [0, 0.1], recipe: {epochs: 2, max-train: 300, test-size: 50, beam: 3}}
student: {model: transformer-tiny, loss: hinton, recipe: {epochs: 1, max-train: 300, test-size: 50}}
distill:
  - {teacher-alpha: [0, 0.1], temperatures: [1, 2]}
baselines: {alphas: [0]}
)";

}  // namespace

TEST_CASE("sequence sweep plan", "[study][sweep][sequence]") {
    const auto plan = plan_sweep(parse_sweep_config(kSequenceSweep, "s.yaml"), "dir");
    // Per seed: 2 teachers, 2 × 2 students, 1 baseline.
    REQUIRE(plan.size() == 14);
    CHECK(plan[0].name == "teacher_transformer-tiny_a0_s1");
    CHECK(plan[0].config.dataset == "cmudict");
    CHECK(plan[0].config.beam == 3);
    CHECK(plan[0].config.test_size == 50);
    const auto student = std::find_if(plan.begin(), plan.end(), [](const PlannedRun& r) {
        return r.name == "student_transformer-tiny_from-a0.1_T2_hinton_s2";
    });
    REQUIRE(student != plan.end());
    REQUIRE(student->teacher);
    // A sequence student names its teacher's run, which train_sequences loads.
    CHECK(student->config.teacher == plan[*student->teacher].config.output);
    CHECK(plan[*student->teacher].name == "teacher_transformer-tiny_a0.1_s2");
    CHECK(student->config.temperature == 2);
    CHECK(plan.back().name == "baseline_transformer-tiny_a0_s2");
}

TEST_CASE("sequence sweep refuses teacher logits", "[study][sweep][sequence]") {
    const std::string logits = std::string(LSKD_SOURCE_DIR) + "/configs/g2p.yaml";  // any existing file
    const std::string yaml = "output: out\ndataset: cmudict\nseeds: [1]\nteacher: {logits: " + logits +
                             "}\nstudent: {model: transformer-tiny}\ndistill:\n  - {temperatures: [1]}\n";
    CHECK_THROWS_WITH(plan_sweep(parse_sweep_config(yaml, "s.yaml"), "dir"),
                      Catch::Contains("sequence one") && Catch::Contains("s.yaml"));
}

TEST_CASE("built-in sequence configs", "[study][sweep][sequence]") {
    for (const char* name : {"g2p", "translation", "g2p-full"}) {
        INFO(name);
        CHECK(is_builtin_study_config(name));
        const SweepConfig c = study_config(name);
        CHECK(c.teacher_alphas == std::vector<double>{0, 0.1});
        CHECK(c.seeds.size() == 3);
        // 3 seeds × (2 teachers + 2 × 2 students); the 2 baselines are the teachers (same model and recipe)
        const auto plan = plan_sweep(c, "dir");
        CHECK(plan.size() == 18);
        CHECK(std::count_if(plan.begin(), plan.end(), [](const PlannedRun& r) { return r.doubles_as_baseline; }) == 6);
    }
    CHECK(study_config("g2p").teacher.dataset == "cmudict");
    CHECK(study_config("translation").teacher.dataset == "gettext-de");
    CHECK_FALSE(is_builtin_study_config("g2p.yaml"));
}
