// A sweep or a study that fails before its first run leaves nothing behind: no directory it created, no summary
// without rows. A directory that existed, and the runs finished in it, stay.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

fs::path one_teacher_sweep(const fs::path& dir) {
    const fs::path file = dir / "sweep.yaml";
    std::ofstream(file) << R"(
dataset: fashion-mnist
seeds: [1]
teacher: {model: mlp, alphas: [0], recipe: {hidden: [16], epochs: 1, batch: 50, val-size: 100, threads: 1,
                                            record-per-class: 4}}
student: {model: mlp}
)";
    return file;
}

// The faults found in the issue, each failing before the first run: a bad model, a data set whose files are not
// in the data folder, a data folder that does not exist, a validation split larger than the training set.
const std::vector<std::string> kFaults{"teacher.recipe.hidden=[0]", "dataset=cifar10", "data-dir=/nonexistent",
                                       "teacher.recipe.val-size=1000000"};

ProgramOutput run_with(const std::string& command, const fs::path& file, const fs::path& out,
                       const std::vector<std::string>& sets) {
    std::vector<std::string> args{command, file.string(), "--out", out.string(), "--quiet"};
    bool own_data_dir = false;
    for (const std::string& set : sets) {
        args.insert(args.end(), {"--set", set});
        own_data_dir = own_data_dir || set.starts_with("data-dir=");
    }
    if (!own_data_dir) args.insert(args.end(), {"--data-dir", tiny_data_dir()});
    return run_lskd(args);
}

}  // namespace

TEST_CASE("a sweep or study failing before its first run removes the directories it created", "[cli][sweep]") {
    const fs::path dir = cli_temp_dir("sweep_failures_new");
    const fs::path file = one_teacher_sweep(dir);
    for (const std::string command : {"sweep", "study"})
        for (const std::string& fault : kFaults) {
            CAPTURE(command, fault);
            const ProgramOutput r = run_with(command, file, dir / "made" / "here", {fault});
            INFO(r.err);
            CHECK(r.code == 1);
            CHECK(!fs::exists(dir / "made"));
        }
}

TEST_CASE("a sweep or study failing before its first run keeps a directory that existed, without a summary",
          "[cli][sweep]") {
    const fs::path dir = cli_temp_dir("sweep_failures_existing");
    const fs::path file = one_teacher_sweep(dir);
    const fs::path out = dir / "given";
    fs::create_directories(out);
    for (const std::string command : {"sweep", "study"})
        for (const std::string& fault : kFaults) {
            CAPTURE(command, fault);
            CHECK(run_with(command, file, out, {fault}).code == 1);
            CHECK(fs::is_directory(out));
            CHECK(fs::is_empty(out));
        }
}

TEST_CASE("a failing sweep or study keeps the directory of earlier runs, their files and their summary",
          "[cli][sweep]") {
    const fs::path dir = cli_temp_dir("sweep_failures_earlier");
    const fs::path file = one_teacher_sweep(dir);
    const fs::path out = dir / "earlier";
    REQUIRE(run_with("sweep", file, out, {}).code == 0);
    const std::string summary = read_text(out / "summary.csv");
    REQUIRE(lines_of(summary).size() == 2);
    for (const std::string command : {"sweep", "study"}) {
        CAPTURE(command);
        // A second seed needs the data, which is not there.
        const ProgramOutput r = run_with(command, file, out, {"seeds=[1,2]", "data-dir=/nonexistent"});
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(fs::exists(out / "runs" / "teacher_mlp_a0_s1" / "checkpoint.h5"));
        CHECK(read_text(out / "summary.csv") == summary);
    }
}
