// The lskd command line's config flags: typed --help, --resume refusing a changed setting, and the analyze
// options checked at parse time, before any run is read.
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "framework/core/error.hpp"
#include "tests/distill/run_fixture.hpp"
#include "tools/lskd/command.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

std::string resume_error(const std::string& path, std::map<std::string, std::string> values) {
    cli::ConfigFlags flags;
    flags.values = std::move(values);
    try {
        cli::resolve_config(flags, path);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

// Parses `args` after "lskd"; the parse error's message, or empty.
std::string parse_error(const std::string& args) {
    CLI::App app;
    // The runners own the settings the options write into, so they must outlive the parse.
    const std::vector<cli::Runner> runners{cli::add_analyze_command(app), cli::add_eval_command(app),
                                           cli::add_bench_command(app)};
    try {
        app.parse(args, false);
    } catch (const CLI::ParseError& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("numeric config flags show their type in --help", "[cli][config]") {
    CLI::App app;
    cli::ConfigFlags flags;
    cli::add_config_flags(app, flags);
    const std::string help = app.help();
    CHECK_THAT(help, Catch::Contains("--lr FLOAT") && Catch::Contains("--epochs INT") &&
                         Catch::Contains("--seed INT") && Catch::Contains("--threads INT") &&
                         Catch::Contains("--smoothing FLOAT") && Catch::Contains("--nesterov BOOL") &&
                         Catch::Contains("--model TEXT") && Catch::Contains("--milestones INT,...") &&
                         Catch::Contains("--optimizer TEXT") && Catch::Contains("--adam-betas FLOAT,FLOAT") &&
                         Catch::Contains("--adam-eps FLOAT") && Catch::Contains("--warmup INT"));
    CHECK_THAT(help, !Catch::Contains("--lr TEXT") && !Catch::Contains("--epochs TEXT"));
}

TEST_CASE("resuming refuses a flag that differs from the run's config, naming it and both values", "[cli][config]") {
    distill::RunConfig config = small_run_config(temp_path("resume_flags"));
    config.epochs = 1;
    distill::train(config, small_dataset(), quiet());
    const std::string path = config.output;

    CHECK(resume_error(path, {{"model", "lenet"}}) == fmt::format("--model: {} was trained with model 'mlp'; --resume "
                                                                  "continues a run as it was and cannot change it "
                                                                  "to 'lenet'",
                                                                  path));
    CHECK_THAT(resume_error(path, {{"smoothing", "0.1"}}),
               Catch::StartsWith("--smoothing:") && Catch::Contains("smoothing '0'") && Catch::EndsWith("to '0.1'"));
    CHECK_THAT(resume_error(path, {{"lr", "0.5"}}), Catch::StartsWith("--lr:") && Catch::Contains("lr '0.05'"));
    CHECK_THAT(resume_error(path, {{"output", path + ".other"}}), Catch::StartsWith("--output:"));
    CHECK_THAT(resume_error(path, {{"optimizer", "adamw"}}),
               Catch::StartsWith("--optimizer:") && Catch::Contains("optimizer 'sgd'") && Catch::EndsWith("'adamw'"));

    // The same values, and --epochs (which extends the run), are accepted.
    cli::ConfigFlags same;
    same.values = {{"lr", "0.05"}, {"model", "mlp"}, {"output", path}, {"epochs", "4"}};
    const distill::RunConfig resumed = cli::resolve_config(same, path);
    CHECK(resumed.epochs == 4);
    CHECK(resumed.model == "mlp");
    CHECK(resumed.output == path);
}

TEST_CASE("analyze, eval and bench options are checked before the run is read", "[cli][analyze]") {
    // The file does not exist: a parse that gets past the options would fail later, on the file.
    CHECK_THAT(parse_error("analyze mi /nonexistent.h5 --seed -1"), Catch::Contains("--seed") && Catch::Contains("-1"));
    CHECK_THAT(parse_error("analyze mi /nonexistent.h5 --views 1"), Catch::Contains("--views"));
    CHECK_THAT(parse_error("analyze mi /nonexistent.h5 --batch 0"), Catch::Contains("--batch"));
    CHECK_THAT(parse_error("analyze calibration /nonexistent.h5 --bins 0"), Catch::Contains("--bins"));
    CHECK_THAT(parse_error(fmt::format("analyze erasure /nonexistent.h5 --threads {}", distill::max_threads() + 1)),
               Catch::Contains("--threads"));
    CHECK_THAT(parse_error("analyze erasure /nonexistent.h5 --threads -1"), Catch::Contains("--threads"));
    CHECK_THAT(parse_error("eval /nonexistent.h5 --threads 1000"), Catch::Contains("--threads"));
    CHECK_THAT(parse_error("bench --threads 1000"), Catch::Contains("--threads"));
    CHECK(parse_error("analyze mi /nonexistent.h5 --seed 9223372036854775807 --threads 1").empty());
}
