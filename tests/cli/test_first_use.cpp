// What a new user sees first: lskd study's plan before its first run, lskd train and lskd distill naming the file
// they write when no --output is given, and the teacher-logit lines saying what happened.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// `lskd ARGS` with `dir` as the working directory.
ProgramOutput run_lskd_in(const fs::path& dir, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/env", "-C", dir.string(), kLskd};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
}

}  // namespace

TEST_CASE("lskd study prints its plan, with an estimate and the report's path, before the first run", "[cli][slow]") {
    const fs::path dir = cli_temp_dir("first_study");
    const fs::path file = dir / "tiny.yaml";
    std::ofstream(file) << R"(
output: unused
dataset: fashion-mnist
seeds: [1, 2]
teacher:
  model: mlp
  alphas: [0]
  recipe: {hidden: [16], epochs: 1, batch: 50, val-size: 100, threads: 1, record-per-class: 4, mi-examples: 20,
           mi-views: 2}
student:
  model: mlp
  recipe: {hidden: [8], epochs: 1, batch: 50, val-size: 100, threads: 1, record-per-class: 4}
distill: [{teacher-alpha: 0, temperatures: [2]}]
baselines: {alphas: [0.1]}
)";
    const fs::path out = dir / "study";
    const ProgramOutput r = run_lskd({"study", file.string(), "--data-dir", tiny_data_dir(), "--out", out.string()});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::size_t plan = r.err.find("plan for " + out.string());
    REQUIRE(plan != std::string::npos);
    CHECK(plan < r.err.find("training teacher_mlp_a0_s1"));
    CHECK_THAT(r.err, Catch::Contains("teachers:  2 runs, mlp at α ∈ {0}\n") &&
                          Catch::Contains("students:  2 runs, mlp, from the α ∈ {0} teachers at T ∈ {2}") &&
                          Catch::Contains("baselines: 2 runs, mlp at α ∈ {0.1}, no teacher\n") &&
                          Catch::Contains("seeds:     {1, 2}") &&
                          Catch::Contains("runs:      6 in all, 0 already complete (the sweep resumes), 1 at once") &&
                          Catch::Contains("time:      about ") && Catch::Contains(" on this machine (training ") &&
                          Catch::Contains("measured just now in ") &&
                          Catch::Contains("report:    " + (out / "report.md").string() + "\n"));
    // The students' lines say how their teacher's logits were obtained, truthfully.
    CHECK_THAT(r.err, Catch::Contains("; teacher logits computed in ") &&
                          Catch::Contains(" s, written to the cache in ") && !Catch::Contains("computing takes"));

    // Run again, everything finished: the plan says so and gives nothing to wait for.
    const ProgramOutput again =
        run_lskd({"study", file.string(), "--data-dir", tiny_data_dir(), "--out", out.string()});
    REQUIRE(again.code == 0);
    CHECK_THAT(again.err, Catch::Contains("6 in all, 6 already complete") &&
                              Catch::Contains("time:      nothing left to train\n"));
}

TEST_CASE("lskd train and lskd distill without --output name the run directory they write", "[cli]") {
    const fs::path dir = cli_temp_dir("first_train");
    const ProgramOutput train = run_lskd_in(dir, tiny_run_args("train", {}));
    INFO(train.err);
    REQUIRE(train.code == 0);
    CHECK_THAT(train.err, Catch::Contains("lskd: no --output given; writing mlp_a0_s1\n"));
    CHECK(fs::exists(dir / "mlp_a0_s1" / "checkpoint.h5"));

    const ProgramOutput student =
        run_lskd_in(dir, tiny_run_args("distill", {"--teacher", "mlp_a0_s1", "--temperature", "2"}));
    INFO(student.err);
    REQUIRE(student.code == 0);
    CHECK_THAT(student.err, Catch::Contains("lskd: no --output given; writing mlp_from-mlp_a0_s1_T2_muller_s1\n"));
    CHECK(fs::exists(dir / "mlp_from-mlp_a0_s1_T2_muller_s1" / "checkpoint.h5"));
    CHECK_THAT(student.out, Catch::Contains("teacher mlp_a0_s1: training-split logits computed in ") &&
                                Catch::Contains(" s, written to the cache in "));

    // Named outputs, or --quiet: no such line.
    const ProgramOutput named = run_lskd_in(dir, tiny_run_args("train", {"--output", "named", "--seed", "2"}));
    REQUIRE(named.code == 0);
    CHECK_THAT(named.err, !Catch::Contains("no --output given"));
    const ProgramOutput quiet = run_lskd_in(dir, tiny_run_args("train", {"--seed", "3", "--quiet"}));
    REQUIRE(quiet.code == 0);
    CHECK_THAT(quiet.err, !Catch::Contains("no --output given"));
    CHECK(fs::exists(dir / "mlp_a0_s3" / "checkpoint.h5"));
}
