// lskd sweep and lskd study with --data-dir and --set: a shipped or written config pointed at other data or changed
// in one key from the command line, every fault named with the flag that brought it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/teacher_logits.hpp"
#include "framework/io/h5_file.hpp"
#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

TEST_CASE("lskd sweep --data-dir DIR --set key=value trains the changed config on DIR's files", "[cli]") {
    const fs::path dir = cli_temp_dir("sweep_overrides");
    const std::string file = tiny_sweep_file(dir).string();
    const ProgramOutput r = run_lskd({"sweep", file, "--data-dir", tiny_data_dir(), "--set", "seeds=[2]", "--quiet"});
    REQUIRE(r.code == 0);
    const fs::path run = dir / "sweep" / "runs" / "teacher_mlp_a0_s2";
    CHECK(fs::exists(run));
    // The live curves in the run directory: a header and one epoch.
    CHECK(lines_of(read_text(run / "metrics.csv")).size() == 2);

    // The same directory with another setting is refused, naming the run and the setting.
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
    CHECK(!fs::exists(dir / "sweep"));
    CHECK(!fs::exists(dir / "study"));
}

TEST_CASE("a parallel sweep trains an external teacher's students as lskd distill --teacher-logits jobs", "[cli]") {
    const fs::path dir = cli_temp_dir("sweep_external_parallel");
    // Logits 0 for every class on all 400 training images: softmax 1/10 each, wrong-class mass 9/10, γ = 1 at any T.
    const std::string logits = (dir / "uniform.h5").string();
    {
        lskd::io::H5File f = lskd::io::H5File::create(logits);
        f.set_attr("/", "format", std::string(lskd::distill::kTeacherLogitsFormat));
        f.set_attr("/", "dataset", std::string("fashion-mnist"));
        f.set_attr("/", "num_classes", std::int64_t{10});
        std::vector<std::int64_t> indices(400);
        for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<std::int64_t>(i);
        f.write("/train/logits", std::vector<float>(4000, 0.f), {400, 10});
        f.write("/train/indices", indices);
        f.close();
    }
    const fs::path file = dir / "sweep.yaml";
    std::ofstream(file) << fmt::format(R"(
output: {}
seeds: [1]
teacher: {{logits: {}}}
student: {{model: mlp, recipe: {{hidden: [16], epochs: 1, batch: 50, val-size: 100, threads: 1, record-per-class: 4}}}}
distill: [{{temperatures: [1, 2]}}]
)",
                                       (dir / "runs").string(), logits);
    const ProgramOutput r =
        run_lskd({"sweep", file.string(), "--data-dir", tiny_data_dir(), "--jobs", "2", "--quiet", "--json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::vector<std::string> csv = lines_of(read_text(dir / "runs" / "summary.csv"));
    REQUIRE(csv.size() == 3);
    for (const char* name : {"student_mlp_from-uniform_T1_muller_s1", "student_mlp_from-uniform_T2_muller_s1"}) {
        const auto row = std::find_if(csv.begin(), csv.end(), [&](const std::string& l) { return l.ends_with(name); });
        REQUIRE(row != csv.end());
        std::vector<std::string> cells;
        std::stringstream cells_in(*row);
        for (std::string cell; std::getline(cells_in, cell, ',');) cells.push_back(cell);
        REQUIRE(cells.size() == 15);  // role,model,alpha,teacher_alpha,temperature,beta,loss,seed,gamma,...
        CHECK(cells[3].empty());      // teacher_alpha: the file gives no smoothing
        CHECK(cells[6] == "muller");
        CHECK(std::stod(cells[8]) == Approx(1.0).epsilon(1e-9));
    }
}
