// A sweep's recipes honour every config field or refuse it before any run: the whole field table walked through
// `--set teacher.recipe.KEY=...` and `--set student.recipe.KEY=...` (each value reaches every planned run of its
// role, or the override is refused naming the key), then seeded random overrides, plausible and not, on a tiny
// sweep that is run: every run either shows the value or was refused before its first step (no run file).
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "study/sweep.hpp"
#include "study/sweep_plan.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tests/test_dir.hpp"

using namespace lskd;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

// One teacher, one student of it, one baseline, of the run fixture's size.
std::string tiny_sweep(const std::string& dir) {
    return fmt::format(R"(
output: {}
seeds: [1]
teacher: {{model: mlp, alphas: [0], recipe: {{hidden: [16], epochs: 1, max-train: 600, max-test: 300, val-size: 200,
           batch: 64, threads: 1, record-per-class: 5}}}}
student: {{model: mlp, recipe: {{hidden: [8], epochs: 1, max-train: 600, max-test: 300, val-size: 200, batch: 64,
           threads: 1, record-per-class: 5}}}}
distill: [{{teacher-alpha: 0, temperatures: [2]}}]
baselines: {{alphas: [0.1]}}
)",
                       dir);
}

std::string fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / process_test_dir() / name;
    fs::remove_all(dir);
    return dir.string();
}

// Values for a field: plausible ones first (a change the tiny runs can make), then implausible ones.
std::vector<std::string> plausible(const distill::ConfigField& f) {
    static const std::map<std::string, std::vector<std::string>> text = {
        {"model", {"lenet", "mlp-800"}},
        {"dataset", {"mnist", "fashion-mnist"}},
        {"data-dir", {"/nonexistent/lskd-data"}},
        {"optimizer", {"adamw"}},
        {"schedule", {"cosine", "multi_step", "linear"}},
        {"output", {"elsewhere.h5"}},
        {"image-cache", {"images"}},
        {"mi-classes", {"T-shirt/top,Shirt", "Nope,Shirt", "Trouser,Bag;Shirt,Coat"}},
        {"mi-augment", {"shift", "training"}},
        {"teacher", {"teacher.h5"}},
        {"loss", {"hinton", "logit-mse"}},
        {"source-vocab", {"char", "symbol"}},
        {"target-vocab", {"symbol", "sentencepiece"}},
        {"length-norm", {"gnmt", "none"}},
        {"kd-level", {"sequence"}},
        {"precision", {"bf16"}},
    };
    if (f.type == "TEXT") return text.at(f.key);
    if (f.type == "BOOL") return {"true", "false"};
    if (f.type == "INT,...") return {"[1]", "[12, 6]"};
    if (f.type == "INT") return {"0", "1", "2", "3", "8"};
    return {"0", "0.5", "0.1", "2"};
}

std::vector<std::string> implausible(const distill::ConfigField& f) {
    std::vector<std::string> v = {
        "-1", "1e300", "nan", "x", "[1, 2, 3]", "99999999999999999999", std::string(5000, 'a')};
    if (f.type == "INT") v.push_back("-9223372036854775808");
    return v;
}

struct Outcome {
    std::string refusal;  // empty: the sweep parsed and planned
    std::vector<study::PlannedRun> plan;
};

Outcome parse_and_plan(const std::string& dir, const std::vector<std::string>& sets) {
    Outcome o;
    try {
        const study::SweepConfig c = study::parse_sweep_config(tiny_sweep(dir), "tiny.yaml", {{}, sets});
        o.plan = study::plan_sweep(c, dir);
    } catch (const Error& e) {
        o.refusal = e.what();
    }
    return o;
}

}  // namespace

TEST_CASE("every field set in a sweep recipe reaches every run of its role, or the sweep is refused naming it",
          "[study][sweep][honoured]") {
    const std::string dir = fresh_dir("sweep_fields");
    for (const distill::ConfigField& f : distill::config_fields())
        for (const char* role : {"teacher", "student"})
            for (const std::string& value : plausible(f)) {
                const std::string set = fmt::format("{}.recipe.{}={}", role, f.key, value);
                INFO(set);
                const Outcome o = parse_and_plan(dir, {set});
                if (!o.refusal.empty()) {
                    CHECK_THAT(o.refusal, Catch::Contains(f.key));
                    continue;
                }
                distill::RunConfig parsed;
                f.parse(parsed, value.front() == '[' ? value.substr(1, value.size() - 2) : value);
                for (const study::PlannedRun& run : o.plan)
                    if ((run.role == study::RunRole::teacher) == (std::string(role) == "teacher"))
                        CHECK(f.print(run.config) == f.print(parsed));
            }
    CHECK_FALSE(fs::exists(dir));  // nothing was trained
}

TEST_CASE("the issue's override: mi-every and a bad mi-classes are refused before any run of a sweep",
          "[study][sweep][honoured]") {
    const std::string dir = fresh_dir("sweep_mi_nope");
    study::SweepOptions quiet;
    quiet.quiet = true;
    const auto config = study::parse_sweep_config(
        tiny_sweep(dir), "tiny.yaml", {{}, {"teacher.recipe.mi-every=1", "teacher.recipe.mi-classes=Nope,Shirt"}});
    CHECK_THROWS_WITH(study::run_sweep(config, quiet), Catch::Contains("unknown class 'Nope'"));
    CHECK_FALSE(fs::exists(fs::path(dir) / "teacher_mlp_a0_s1"));
    CHECK_THROWS_WITH(study::parse_sweep_config(tiny_sweep(dir), "tiny.yaml", {{}, {"distill.-1.temperatures=[1]"}}),
                      Catch::Contains("list index -1 is negative"));
}

TEST_CASE("random overrides of a tiny sweep: each run shows the value or was refused before its first step",
          "[study][sweep][honoured][slow]") {
    std::mt19937_64 rng(20261206);
    const auto& fields = distill::config_fields();
    int refused = 0, stored_runs = 0;  // draws refused before any run; run files that show their value
    for (int draw = 0; draw < 16; ++draw) {
        const distill::ConfigField& f = fields[rng() % fields.size()];
        const std::vector<std::string> values = rng() % 3 == 0 ? implausible(f) : plausible(f);
        const std::string value = values[rng() % values.size()];
        const char* role = rng() % 2 == 0 ? "teacher" : "student";
        const std::string set = fmt::format("{}.recipe.{}={}", role, f.key, value.size() > 60 ? "<long>" : value);
        INFO("draw " << draw << ": --set " << set);
        const std::string dir = fresh_dir(fmt::format("sweep_fuzz_{}", draw));
        const std::vector<std::string> sets = {fmt::format("{}.recipe.{}={}", role, f.key, value)};
        const Outcome o = parse_and_plan(dir, sets);
        if (!o.refusal.empty()) {
            CHECK_THAT(o.refusal, Catch::Contains(f.key) || Catch::Contains("--set"));
            CHECK_FALSE(fs::exists(dir));
            ++refused;
            continue;
        }
        study::SweepOptions quiet;
        quiet.quiet = true;
        try {
            study::run_sweep(study::parse_sweep_config(tiny_sweep(dir), "tiny.yaml", {{}, sets}), quiet);
        } catch (const Error&) {
        }
        for (const study::PlannedRun& run : o.plan) {
            INFO(run.name);
            if (!fs::exists(run.config.output)) continue;  // refused before its first step, or never reached
            const distill::RunContents stored = distill::load_run(run.config.output);
            CHECK(stored.complete);
            CHECK(f.print(stored.config) == f.print(run.config));
            // What the value makes the run do, where the stored file shows it.
            CHECK(stored.metrics.at("epoch").size() == static_cast<std::size_t>(run.config.epochs));
            CHECK(stored.metrics.contains("mi") == (run.config.mi_every > 0));
            CHECK(stored.early_metrics.contains("mi") == (run.config.mi_every > 0));
            ++stored_runs;
        }
    }
    // The seed draws both outcomes: the walk checks something either way.
    CHECK(refused > 0);
    CHECK(stored_runs > 0);
}
