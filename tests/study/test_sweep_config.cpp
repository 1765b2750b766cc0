#include <algorithm>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "study/sweep_config.hpp"
#include "study/sweep_plan.hpp"
#include "tests/io/io_test_support.hpp"
#include "tests/io/special_files.hpp"

using namespace lskd;
using namespace lskd::distill;
using namespace lskd::study;

namespace {

const char* kSweep = R"(
output: out
seeds: [1, 2]
teacher: {model: mlp-1200, alphas: [0, 0.1], recipe: {epochs: 2, max-train: 1000, clip-norm: 1}}
student: {model: mlp-800, loss: hinton, recipe: {epochs: 1, lr: 0.1}}
distill:
  - {teacher-alpha: 0, temperatures: [1, 4]}
  - {teacher-alpha: [0.1], temperatures: 1}
baselines: {alphas: [0, 0.1]}
)";

std::string with(const std::string& from, const std::string& to) {
    std::string s = kSweep;
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

std::vector<std::string> names(const std::vector<PlannedRun>& plan) {
    std::vector<std::string> out;
    for (const auto& r : plan) out.push_back(r.name);
    return out;
}

}  // namespace

TEST_CASE("a sweep config sets every run's model, recipe, data and distillation settings", "[distill][sweep]") {
    const SweepConfig c = parse_sweep_config(kSweep, "s.yaml");
    CHECK(c.output == "out");
    CHECK(c.seeds == std::vector<std::uint64_t>{1, 2});
    CHECK(c.teacher.model == "mlp-1200");
    CHECK(c.teacher.epochs == 2);
    CHECK(c.teacher.max_train == 1000);
    CHECK(c.student.epochs == 1);
    CHECK(c.student.lr == 0.1);
    CHECK(c.student.loss == "hinton");
    CHECK(c.student.beta == -1);
    REQUIRE(c.distill.size() == 2);
    CHECK(c.distill[1].temperatures == std::vector<double>{1});  // a single value is a list of one
    CHECK(c.parallel == 1);

    const auto plan = plan_sweep(c, "dir");
    // Per seed: 2 teachers, 2 + 1 students, 2 baselines.
    REQUIRE(plan.size() == 14);
    CHECK(names(plan) ==
          std::vector<std::string>{"teacher_mlp-1200_a0_s1", "teacher_mlp-1200_a0.1_s1", "teacher_mlp-1200_a0_s2",
                                   "teacher_mlp-1200_a0.1_s2", "student_mlp-800_from-a0_T1_hinton_s1",
                                   "student_mlp-800_from-a0_T4_hinton_s1", "student_mlp-800_from-a0.1_T1_hinton_s1",
                                   "student_mlp-800_from-a0_T1_hinton_s2", "student_mlp-800_from-a0_T4_hinton_s2",
                                   "student_mlp-800_from-a0.1_T1_hinton_s2", "baseline_mlp-800_a0_s1",
                                   "baseline_mlp-800_a0.1_s1", "baseline_mlp-800_a0_s2", "baseline_mlp-800_a0.1_s2"});
    const PlannedRun& student = plan[8];  // from-a0, T = 4, seed 2
    CHECK(student.role == RunRole::student);
    REQUIRE(student.teacher);
    CHECK(plan[*student.teacher].name == "teacher_mlp-1200_a0_s2");
    CHECK(student.config.teacher == "dir/runs/teacher_mlp-1200_a0_s2");
    CHECK(student.config.output == "dir/runs/student_mlp-800_from-a0_T4_hinton_s2");
    CHECK(student.config.temperature == 4);
    CHECK(student.config.seed == 2);
    CHECK(student.config.smoothing == 0);
    CHECK(plan[1].config.smoothing == 0.1);
    CHECK(plan[11].config.smoothing == 0.1);
    CHECK(plan[11].config.teacher.empty());
    CHECK(plan[11].config.epochs == 1);
}

TEST_CASE("unknown keys, empty lists and bad values in a sweep config are errors naming file and key",
          "[distill][sweep][errors]") {
    auto rejects = [](const std::string& text, const std::string& message) {
        CHECK_THROWS_WITH(plan_sweep(parse_sweep_config(text, "s.yaml"), "dir"),
                          Catch::Contains("s.yaml") && Catch::Contains(message));
    };
    rejects(with("seeds:", "seed: [1]\nseeds:"), "unknown key 'seed'");
    rejects(with("alphas: [0, 0.1], recipe", "alpha: [0], alphas: [0, 0.1], recipe"), "unknown key 'alpha' in teacher");
    rejects(with("{teacher-alpha: 0,", "{teacher-alpha: 0, T: 2,"), "unknown key 'T' in distill[0]");
    rejects(with("epochs: 2,", "epoch: 2,"), "unknown config key 'epoch'");
    rejects(with("seeds: [1, 2]", "seeds: []"), "'seeds' must not be empty");
    rejects(with("alphas: [0, 0.1], recipe", "alphas: [], recipe"), "'teacher.alphas' must not be empty");
    rejects(with("temperatures: [1, 4]", "temperatures: []"), "'distill[0].temperatures' must not be empty");
    rejects(with("baselines: {alphas: [0, 0.1]}", "baselines: {alphas: []}"), "'baselines.alphas' must not be empty");
    rejects(with("distill:\n  - {teacher-alpha: 0, temperatures: [1, 4]}\n  - {teacher-alpha: [0.1], temperatures: 1}",
                 "distill: []"),
            "'distill' must be a non-empty list");
    rejects(with("seeds: [1, 2]", "seeds: [1, x]"), "'seeds[1]': 'x' is not a valid number");
    rejects(with("temperatures: [1, 4]", "temperatures: [0, 4]"), "temperature must be > 0");
    rejects(with("loss: hinton", "loss: hinton, beta: 1.5"), "beta must be in [0, 1]");
    rejects(with("loss: hinton", "loss: kl"), "unknown loss form 'kl'");
    rejects(with("model: mlp-800", "model: mlp-80"), "unknown student model 'mlp-80'");
    rejects(with("{teacher-alpha: [0.1]", "{teacher-alpha: [0.2]"),
            "teacher-alpha 0.2, which is not among teacher.alphas");
    rejects(with("{teacher-alpha: [0.1], temperatures: 1}", "{teacher-alpha: [0], temperatures: 1}"), "listed twice");
    rejects(with("recipe: {epochs: 1", "recipe: {temperature: 2, epochs: 1"),
            "sets 'temperature', which the sweep sets");
    rejects(with("recipe: {epochs: 1", "recipe: {data-seed: 3, epochs: 1"), "sets 'data-seed', which the sweep sets");
    rejects(with("output: out", "output: out\ndata-subset: random"), "'data-subset' must be per-seed or fixed");
    rejects(with("alphas: [0, 0.1], recipe", "alphas: [0, 0.1, 1.0], recipe"), "smoothing must be in [0, 1)");
    rejects(with("output: out", "output: out\nparallel: 0"), "'parallel' must be at least 1");
    rejects(with("teacher: {", "teachers: {"), "unknown key 'teachers'");
    rejects("seeds: [1\n", "not valid YAML");
    rejects(with("seeds: [1, 2]", "seeds: [9223372036854775808]"), "seed must be at most 9223372036854775807");
    CHECK_THROWS_WITH(load_sweep_config("/nonexistent/sweep.yaml"),
                      Catch::Contains("/nonexistent/sweep.yaml: cannot open"));
}

TEST_CASE("a replicate's seed draws its data unless the sweep asks for fixed data", "[distill][sweep]") {
    const auto data_seeds = [](const std::string& text) {
        std::vector<std::int64_t> out;
        for (const auto& run : plan_sweep(parse_sweep_config(text, "s.yaml"), "dir")) {
            CHECK((run.config.data_seed == -1 || run.config.data_seed == static_cast<std::int64_t>(run.config.seed)));
            out.push_back(run.config.data_seed);
        }
        return out;
    };
    const auto per_seed = data_seeds(kSweep);
    CHECK(std::count(per_seed.begin(), per_seed.end(), 1) == 7);
    CHECK(std::count(per_seed.begin(), per_seed.end(), 2) == 7);
    const auto fixed = data_seeds(with("output: out", "output: out\ndata-subset: fixed"));
    CHECK(std::count(fixed.begin(), fixed.end(), -1) == 14);
    const SweepConfig c = parse_sweep_config(with("output: out", "output: out\ndesign-seeds: [1]"), "s.yaml");
    CHECK(c.design_seeds == std::vector<std::uint64_t>{1});
    CHECK(parse_sweep_config(kSweep, "s.yaml").design_seeds.empty());
}

TEST_CASE("a duplicate key anywhere in a sweep config is an error naming the file, the key and both lines",
          "[distill][sweep][errors]") {
    // yaml-cpp keeps both; the sweep's lookups saw the first and a recipe's the last.
    CHECK_THROWS_WITH(parse_sweep_config(with("seeds: [1, 2]", "seeds: [1, 2]\nseeds: [3]"), "s.yaml"),
                      "s.yaml: duplicate key 'seeds' at lines 3 and 4");
    CHECK_THROWS_WITH(parse_sweep_config(with("recipe: {epochs: 1,", "recipe: {epochs: 1, epochs: 5,"), "s.yaml"),
                      "s.yaml: duplicate key 'epochs' at lines 5 and 5");
    CHECK_THROWS_WITH(
        parse_sweep_config(with("{teacher-alpha: 0,", "{teacher-alpha: 0, teacher-alpha: 0.1,"), "s.yaml"),
        "s.yaml: duplicate key 'teacher-alpha' at lines 7 and 7");
}

TEST_CASE("the shipped sweep configs parse and expand to the documented grids", "[distill][sweep]") {
    const auto quick = plan_sweep(load_sweep_config(LSKD_SOURCE_DIR "/configs/quick.yaml"), "q");
    // Per seed: 3 teachers, 3 students of each at T = 1, 2, 4, 5 baselines.
    CHECK(quick.size() == 3 * (3 + 9 + 5));
    const auto quick_names = names(quick);
    for (const char* n : {"teacher_mlp-1200_a0.2_s3", "student_mlp-800_from-a0_T4_muller_s2",
                          "student_mlp-800_from-a0.05_T1_muller_s1", "baseline_mlp-800_a0.8_s3"})
        CHECK(std::count(quick_names.begin(), quick_names.end(), n) == 1);

    const SweepConfig paper = load_sweep_config(LSKD_SOURCE_DIR "/configs/paper.yaml");
    CHECK(paper.teacher_alphas == std::vector<double>{0, 0.15, 0.3, 0.45, 0.6, 0.75});
    CHECK(paper.seeds.size() == 5);
    // Per seed: 6 teachers, 7 students of the hard teacher + 5 of the smoothed ones, 6 baselines.
    CHECK(plan_sweep(paper, "p").size() == 5 * (6 + 7 + 5 + 6));

    const SweepConfig erasure = load_sweep_config(LSKD_SOURCE_DIR "/configs/erasure.yaml");
    // Per seed: 6 teachers and their T = 1 students; the pilot's seed is not among the study's.
    CHECK(plan_sweep(erasure, "e").size() == 6 * (6 + 6));
    CHECK(erasure.design_seeds == std::vector<std::uint64_t>{1});
    CHECK(std::find(erasure.seeds.begin(), erasure.seeds.end(), 1) == erasure.seeds.end());
    CHECK(erasure.teacher.mi_examples == 2000);
    CHECK(erasure.teacher.mi_views == 20);
}

TEST_CASE("a baseline equal to a teacher is that teacher's run", "[distill][sweep]") {
    // g2p.yaml: the students are the teachers' model and recipe, so each baseline α ∈ {0, 0.1} is a teacher.
    const auto g2p = plan_sweep(load_sweep_config(LSKD_SOURCE_DIR "/configs/g2p.yaml"), "g");
    CHECK(g2p.size() == 3 * (2 + 4));
    CHECK(std::count_if(g2p.begin(), g2p.end(), [](const PlannedRun& r) { return r.doubles_as_baseline; }) == 6);
    CHECK(std::none_of(g2p.begin(), g2p.end(), [](const PlannedRun& r) { return r.role == RunRole::baseline; }));

    // Any difference keeps the baseline its own run: here only the α = 0 baseline equals its teacher.
    const std::string same = with("student: {model: mlp-800, loss: hinton, recipe: {epochs: 1, lr: 0.1}}",
                                  "student: {model: mlp-1200, recipe: {epochs: 2, max-train: 1000, clip-norm: 1}}");
    std::string text = same;
    text.replace(text.find("baselines: {alphas: [0, 0.1]}"), 29, "baselines: {alphas: [0, 0.3]}");
    const auto plan = plan_sweep(parse_sweep_config(text, "s.yaml"), "dir");
    const auto n = names(plan);
    CHECK(std::count(n.begin(), n.end(), "baseline_mlp-1200_a0.3_s1") == 1);
    CHECK(std::count(n.begin(), n.end(), "baseline_mlp-1200_a0_s1") == 0);
    for (const auto& r : plan) CHECK(r.doubles_as_baseline == (r.role == RunRole::teacher && r.config.smoothing == 0));

    // The students' recipe differs from the teachers' in kSweep: every baseline trains.
    const auto own = plan_sweep(parse_sweep_config(kSweep, "s.yaml"), "dir");
    CHECK(std::none_of(own.begin(), own.end(), [](const PlannedRun& r) { return r.doubles_as_baseline; }));
}

TEST_CASE("a sweep file that is a directory or a FIFO is named as such, not read", "[study][config]") {
    const io::testing::TempDir dir;
    CHECK_THROWS_WITH(load_sweep_config(dir.path()), Catch::Equals(dir.path() + ": is a directory, not a sweep file"));
    REQUIRE(io::testing::make_fifo(dir / "sweep.yaml"));
    CHECK_THROWS_WITH(load_sweep_config(dir / "sweep.yaml"),
                      Catch::Equals(dir / "sweep.yaml" + ": is a named pipe (FIFO), not a sweep file"));
}
