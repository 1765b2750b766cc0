// What the adversarial tester of issue 21 found, through the binary: a recorded MI setting is honoured by lskd
// sweep (and its parallel jobs), a bad one is refused before any run, an inert or impossible setting is refused
// with its reason instead of trained on or crashing.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

TEST_CASE("lskd sweep honours mi-every in its parallel jobs and refuses a bad mi-classes before any run", "[cli]") {
    const fs::path dir = cli_temp_dir("sweep_mi_honoured");
    const std::string file = tiny_sweep_file(dir, "[0, 0.1]").string();
    const ProgramOutput nope =
        run_lskd({"sweep", file, "--data-dir", tiny_data_dir(), "--set", "teacher.recipe.mi-every=1", "--set",
                  "teacher.recipe.mi-classes=Nope,Shirt", "--set", "teacher.recipe.mi-examples=20", "--quiet"});
    CHECK(nope.code == 1);
    CHECK_THAT(nope.err, Catch::Contains("mi-classes 'Nope,Shirt': unknown class 'Nope'"));
    CHECK_FALSE(fs::exists(dir / "sweep"));  // refused before its first run, the sweep leaves nothing

    const ProgramOutput r =
        run_lskd({"sweep", file, "--data-dir", tiny_data_dir(), "--set", "parallel=2", "--set",
                  "teacher.recipe.mi-every=1", "--set", "teacher.recipe.mi-examples=20", "--quiet"});
    REQUIRE(r.code == 0);
    for (const char* name : {"teacher_mlp_a0_s1", "teacher_mlp_a0.1_s1"}) {
        const lskd::distill::RunContents run = lskd::distill::load_run((dir / "sweep" / "runs" / name).string());
        CHECK(run.config.mi_every == 1);
        REQUIRE(run.metrics.contains("mi"));
        CHECK(run.metrics.at("mi").size() == 1);
    }
}

TEST_CASE("lskd train refuses an inert setting and a model too large for memory before loading anything", "[cli]") {
    const fs::path dir = cli_temp_dir("train_refused");
    const std::string out = (dir / "run").string();
    const ProgramOutput inert = run_lskd(tiny_run_args("train", {"--temperature", "4", "--output", out}));
    CHECK(inert.code == 1);
    CHECK_THAT(inert.err, Catch::Contains("temperature is set to 4, but it has no effect on this run"));
    std::vector<std::string> huge_args = tiny_run_args("train", {"--output", out});
    *(std::find(huge_args.begin(), huge_args.end(), "--hidden") + 1) = "100000000";
    const ProgramOutput huge = run_lskd(huge_args);
    CHECK(huge.code == 1);
    CHECK_THAT(huge.err, Catch::Contains("parameters would need") && !Catch::Contains("bad_alloc"));
    const ProgramOutput long_name =
        run_lskd(tiny_run_args("train", {"--mi-classes", std::string(5000, 'x'), "--output", out}));
    CHECK(long_name.code == 1);
    CHECK_THAT(long_name.err, Catch::Contains("config key 'mi-classes': the value is 5000 bytes long"));
    CHECK_FALSE(fs::exists(out));
}
