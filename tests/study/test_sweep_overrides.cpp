// Command-line changes to a sweep config (--set key.path=value, --data-dir DIR): applied to the parsed tree and
// checked as the file's own keys, each fault named with the override that brought it, and recorded in the report.
#include <filesystem>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "study/report.hpp"
#include "study/sweep_config.hpp"
#include "study/sweep_plan.hpp"
#include "tests/test_dir.hpp"

using namespace lskd;
using namespace lskd::study;
namespace fs = std::filesystem;

namespace {

const char* kSweep = R"(
output: out
seeds: [1]
teacher: {model: mlp-1200, alphas: [0, 0.1], recipe: {epochs: 2, max-train: 1000}}
student: {model: mlp-800, recipe: {epochs: 1}}
distill:
  - {teacher-alpha: 0, temperatures: [1, 4]}
)";

SweepConfig with_sets(std::vector<std::string> sets) {
    SweepOverrides o;
    o.sets = std::move(sets);
    return parse_sweep_config(kSweep, "s.yaml", o);
}

std::string set_error(const std::string& set) {
    try {
        with_sets({set});
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("an override (--set) changes a nested key, a list or a key the file leaves out", "[sweep][overrides]") {
    const SweepConfig plain = parse_sweep_config(kSweep, "s.yaml");
    CHECK(plain.teacher.epochs == 2);
    CHECK(plain.overrides.empty());

    const SweepConfig c = with_sets({"teacher.recipe.epochs=5", "seeds=[3, 4]", "distill.0.temperatures=[2]",
                                     "student.recipe.dropout=0.5", "teacher.alphas=0.2", "distill.0.teacher-alpha=0.2",
                                     "teacher.recipe.epochs=6", "baselines.alphas=[0]"});
    CHECK(c.teacher.epochs == 6);  // the later of two settings of one key
    CHECK(c.teacher.max_train == 1000);
    CHECK(c.seeds == std::vector<std::uint64_t>{3, 4});
    REQUIRE(c.distill.size() == 1);
    CHECK(c.distill[0].temperatures == std::vector<double>{2});
    CHECK(c.student.dropout == 0.5);
    CHECK(c.teacher_alphas == std::vector<double>{0.2});
    CHECK(c.baseline_alphas == std::vector<double>{0});  // a section the file leaves out
    CHECK(c.overrides == std::vector<std::string>{"--set teacher.recipe.epochs=5", "--set seeds=[3, 4]",
                                                  "--set distill.0.temperatures=[2]",
                                                  "--set student.recipe.dropout=0.5", "--set teacher.alphas=0.2",
                                                  "--set distill.0.teacher-alpha=0.2", "--set teacher.recipe.epochs=6",
                                                  "--set baselines.alphas=[0]"});
    // 2 seeds × (1 teacher + 1 student + 1 baseline).
    CHECK(plan_sweep(c, "dir").size() == 6);
}

TEST_CASE("an override (--set) is checked like the file's keys, and a fault names the override", "[sweep][overrides]") {
    CHECK_THAT(set_error("teacher.recipe.epohcs=2"), Catch::StartsWith("--set teacher.recipe.epohcs=2: ") &&
                                                         Catch::Contains("unknown config key 'epohcs'") &&
                                                         Catch::Contains("teacher.recipe"));
    CHECK_THAT(set_error("sedes=[1]"), Catch::Equals("--set sedes=[1]: s.yaml: unknown key 'sedes' in the sweep file"));
    CHECK_THAT(set_error("teacher.modle=mlp"), Catch::Contains("unknown key 'modle' in teacher"));
    CHECK_THAT(set_error("teacher.recipe.epochs=abc"),
               Catch::StartsWith("--set teacher.recipe.epochs=abc: ") && Catch::Contains("abc"));
    CHECK_THAT(set_error("seeds=[x]"), Catch::StartsWith("--set seeds=[x]: s.yaml: 'seeds[0]': 'x' is not a valid"));
    CHECK_THAT(set_error("parallel=0"), Catch::StartsWith("--set parallel=0: ") && Catch::Contains("at least 1"));
    CHECK_THAT(set_error("seeds"), Catch::Equals("--set seeds: expected key.path=value"));
    CHECK_THAT(set_error("seeds="), Catch::Equals("--set seeds=: no value after '='"));
    CHECK_THAT(set_error("output.dir=x"),
               Catch::Equals("--set output.dir=x: 'output' is a single value, not a mapping with the key 'dir'"));
    CHECK_THAT(set_error("distill.1.temperatures=[1]"),
               Catch::Equals("--set distill.1.temperatures=[1]: 'distill' has 1 entries; there is no entry 1"));
    CHECK_THAT(set_error("distill.first.temperatures=[1]"), Catch::Contains("'first' is not a position"));
    CHECK_THAT(set_error("teacher..model=mlp"), Catch::Contains("is not a key path"));
    // A recipe may not set what the sweep sets itself, from the command line either.
    CHECK_THAT(set_error("teacher.recipe.seed=3"), Catch::Contains("which the sweep sets itself"));
}

TEST_CASE("the data directory override (--data-dir) sets every run's data directory, and a missing one is named",
          "[sweep][overrides]") {
    const fs::path dir = fs::temp_directory_path() / lskd::testing::process_test_dir() / "override_data";
    fs::create_directories(dir);
    SweepOverrides o;
    o.data_dir = dir.string();
    const SweepConfig c = parse_sweep_config(kSweep, "s.yaml", o);
    CHECK(c.teacher.data_dir == dir.string());
    CHECK(c.student.data_dir == dir.string());
    for (const PlannedRun& run : plan_sweep(c, "out")) CHECK(run.config.data_dir == dir.string());
    CHECK(c.overrides == std::vector<std::string>{"--data-dir " + dir.string()});

    o.data_dir = (dir / "missing").string();
    CHECK_THROWS_WITH(parse_sweep_config(kSweep, "s.yaml", o),
                      Catch::StartsWith("--data-dir " + o.data_dir + ": no such directory"));
}

TEST_CASE("the report's setup lists the data directory and every override", "[sweep][overrides]") {
    StudySetup setup;
    setup.config = "paper";
    setup.dataset = "cifar10";
    setup.data_dir = "/data/cifar";
    setup.overrides = {"--data-dir /data/cifar", "--set teacher.recipe.epochs=2"};
    const std::string report = render_report(setup, {}, {}, {}, {});
    CHECK_THAT(report, Catch::Contains("- data: `cifar10` from `/data/cifar`\n"));
    CHECK_THAT(report, Catch::Contains(
                           "- overrides of the config: `--data-dir /data/cifar`, `--set teacher.recipe.epochs=2`\n"));
    setup.overrides.clear();
    setup.data_dir.clear();
    const std::string plain = render_report(setup, {}, {}, {}, {});
    CHECK_THAT(plain, Catch::Contains("- data: `cifar10` from its default directory\n"));
    CHECK_THAT(plain, !Catch::Contains("overrides"));
}

TEST_CASE("the report names the design seeds and marks a run on others as a confirmation", "[sweep][overrides]") {
    StudySetup setup;
    setup.seeds = {4, 5, 6};
    setup.design_seeds = {1, 2, 3};
    CHECK_THAT(render_report(setup, {}, {}, {}, {}),
               Catch::Contains("- seeds 4, 5, 6, each a whole replicate that also draws its validation split and data "
                               "subsets; the design was chosen looking at seeds 1, 2, 3: **a confirmation run**"));
    setup.seeds = {1, 2, 3};
    setup.data_per_seed = false;
    const std::string same = render_report(setup, {}, {}, {}, {});
    CHECK_THAT(same, Catch::Contains("on the same data (data-subset: fixed)"));
    CHECK_THAT(same, Catch::Contains("these runs include those seeds, so their intervals are not a confirmation"));
    setup.design_seeds.clear();
    CHECK_THAT(render_report(setup, {}, {}, {}, {}),
               Catch::Contains("the config does not say which seeds chose its design"));
}

TEST_CASE("a seeds override keeps the design seeds", "[sweep][overrides]") {
    SweepOverrides o;
    o.sets = {"seeds=[4, 5, 6]"};
    const SweepConfig c = load_sweep_config(LSKD_SOURCE_DIR "/configs/quick.yaml", o);
    CHECK(c.seeds == std::vector<std::uint64_t>{4, 5, 6});
    CHECK(c.design_seeds == std::vector<std::uint64_t>{1, 2, 3});
}
