// lskd convert-run, and every command that reads a run, given a run file of an earlier lskd (lskd-run/2).
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/tiny_runs.hpp"
#include "tests/distill/legacy_run_fixture.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// A one-epoch run and its lskd-run/2 file beside it.
struct Legacy {
    std::string run, file;
};

const Legacy& legacy() {
    static const Legacy made = [] {
        const fs::path dir = cli_temp_dir("convert_run");
        const std::string run = (dir / "run").string(), file = (dir / "old.h5").string();
        const ProgramOutput r = run_lskd(tiny_run_args("train", {"--output", run, "--quiet"}));
        INFO(r.err);
        REQUIRE(r.code == 0);
        write_legacy_run(file, run);
        return Legacy{run, file};
    }();
    return made;
}

}  // namespace

TEST_CASE("every command that reads a run, given an lskd-run/2 file, fails naming lskd convert-run", "[cli][legacy]") {
    const std::string& old = legacy().file;
    const fs::path dir = fs::path(old).parent_path();
    const std::vector<std::vector<std::string>> commands{
        {"eval", old},
        {"export", old, "--format", "torch", "--output", (dir / "old.pt").string()},
        {"train", "--resume", old, "--quiet"},
        tiny_run_args("distill", {"--teacher", old, "--output", (dir / "student").string(), "--quiet"}),
        {"analyze", "erasure", old}};
    for (const std::vector<std::string>& args : commands) {
        CAPTURE(args[0]);
        const ProgramOutput r = run_lskd(args);
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::Contains("convert it to a run directory with `lskd convert-run " + old));
        CHECK(lines_of(r.err).size() == 1);
    }
    CHECK_FALSE(fs::exists(dir / "old.pt"));
    CHECK_FALSE(fs::exists(dir / "student"));
}

TEST_CASE("lskd convert-run writes a run the other commands read, and refuses to write over anything",
          "[cli][legacy]") {
    const std::string& old = legacy().file;
    const std::string converted = (fs::path(old).parent_path() / "converted").string();
    fs::remove_all(converted);
    const ProgramOutput r = run_lskd({"convert-run", old, converted});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("3 record file(s), 1 output file(s), 1 analysis file(s)"));
    const ProgramOutput original = run_lskd({"eval", legacy().run, "--json"});
    const ProgramOutput again = run_lskd({"eval", converted, "--json"});
    REQUIRE(again.code == 0);
    CHECK(again.out.substr(0, again.out.find("\"run\"")) == original.out.substr(0, original.out.find("\"run\"")));

    const ProgramOutput twice = run_lskd({"convert-run", old, converted});
    CHECK(twice.code == 1);
    CHECK_THAT(twice.err, Catch::Contains(converted + ": output exists"));
    const ProgramOutput forced = run_lskd({"convert-run", old, converted, "--force"});
    CHECK(forced.code == 0);
    const ProgramOutput onto_file = run_lskd({"convert-run", old, old, "--force"});
    CHECK(onto_file.code == 1);
    CHECK_THAT(onto_file.err, Catch::Contains(old + ": the output exists and is a regular file"));
}
