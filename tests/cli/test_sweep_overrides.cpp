// lskd sweep and lskd study with --data-dir and --set: a shipped or written config pointed at other data or changed
// in one key from the command line, every fault named with the flag that brought it.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// One teacher of the tiny data set, for one epoch; the data directory comes from --data-dir.
fs::path tiny_sweep_file(const fs::path& dir) {
    const fs::path file = dir / "sweep.yaml";
    std::ofstream(file) << fmt::format(R"(
output: {}
dataset: fashion-mnist
seeds: [1]
teacher: {{model: mlp, alphas: [0], recipe: {{hidden: [16], epochs: 1, batch: 50, val-size: 100, threads: 1,
                                            record-per-class: 4}}}}
student: {{model: mlp}}
)",
                                       (dir / "runs").string());
    return file;
}

}  // namespace

TEST_CASE("lskd sweep --data-dir DIR --set key=value trains the changed config on DIR's files", "[cli]") {
    const fs::path dir = cli_temp_dir("sweep_overrides");
    const std::string file = tiny_sweep_file(dir).string();
    const ProgramOutput r = run_lskd({"sweep", file, "--data-dir", tiny_data_dir(), "--set", "seeds=[2]", "--quiet"});
    REQUIRE(r.code == 0);
    const fs::path run = dir / "runs" / "teacher_mlp_a0_s2.h5";
    CHECK(fs::exists(run));
    // The live curves beside the run file: a header and one epoch.
    CHECK(lines_of(read_text(run.string() + ".metrics.csv")).size() == 2);

    // The same directory with another setting is refused, naming the run file and the setting.
    const ProgramOutput changed = run_lskd({"sweep", file, "--data-dir", tiny_data_dir(), "--set", "seeds=[2]", "--set",
                                            "teacher.recipe.epochs=2", "--quiet"});
    CHECK(changed.code == 1);
    CHECK_THAT(changed.err, Catch::Contains("trained with other settings") && Catch::Contains("epochs 2 here, 1 in "
                                                                                              "the file"));
}

TEST_CASE("a bad --set or a missing --data-dir is an error naming the flag, before any training", "[cli]") {
    const fs::path dir = cli_temp_dir("sweep_override_errors");
    const std::string file = tiny_sweep_file(dir).string();
    const ProgramOutput typo = run_lskd({"sweep", file, "--set", "teacher.recipe.epohcs=2"});
    CHECK(typo.code == 1);
    CHECK_THAT(typo.err,
               Catch::Contains("--set teacher.recipe.epohcs=2: ") && Catch::Contains("unknown config key 'epohcs'"));
    const ProgramOutput missing =
        run_lskd({"study", "paper", "--data-dir", (dir / "no-cifar").string(), "--out", (dir / "study").string()});
    CHECK(missing.code == 1);
    CHECK_THAT(missing.err, Catch::Contains("--data-dir " + (dir / "no-cifar").string() + ": no such directory"));
    CHECK(!fs::exists(dir / "runs"));
    CHECK(!fs::exists(dir / "study"));
}
