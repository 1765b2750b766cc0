// lskd analyze decoding on a one-epoch sequence run trained by lskd train: the table, the JSON line's keys per T,
// the file reused on a second call, and a grid outside (0, 100] refused before anything is read.
#include <filesystem>

#include <catch2/catch.hpp>

#include "tests/cli/cli_runner.hpp"
#include "tests/distill/sequence_fixture.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;

TEST_CASE("analyze decoding of a tiny sequence run", "[cli][decoding]") {
    const std::string data = reversal_corpus("cli_decoding_data", 300);
    const std::string run = (cli_temp_dir("cli_decoding") / "run").string();
    const ProgramOutput trained =
        run_lskd({"train",      "--dataset", "tsv",         "--data-dir", data,       "--model",  "transformer-tiny",
                  "--val-size", "40",        "--test-size", "40",         "--epochs", "1",        "--batch",
                  "32",         "--beam",    "2",           "--threads",  "1",        "--output", run});
    INFO(trained.err);
    REQUIRE(trained.code == 0);

    const ProgramOutput table = run_lskd({"analyze", "decoding", run, "--temperatures", "1,1.2", "--threads", "1"});
    INFO(table.err);
    REQUIRE(table.code == 0);
    CHECK_THAT(table.out,
               Catch::Contains("bleu") && Catch::Contains("chrf") && Catch::Contains("fitted on validation tokens"));
    const fs::path file = fs::path(run) / "analyses" / "decoding.h5";
    REQUIRE(fs::exists(file));
    const auto written = fs::last_write_time(file);

    const ProgramOutput json = run_lskd({"analyze", "decoding", run, "--temperatures", "1,1.2", "--json"});
    REQUIRE(json.code == 0);
    for (const char* key : {"\"bleu_t1.2\"", "\"ece_t1\"", "\"nll_t1.2\"", "\"temperature\"", "\"bleu_at_fitted\""})
        CHECK_THAT(json.out, Catch::Contains(key));
    CHECK(fs::last_write_time(file) == written);  // the same grid: read back, not recomputed

    const ProgramOutput bad = run_lskd({"analyze", "decoding", run, "--temperatures", "0"});
    CHECK(bad.code != 0);
    CHECK_THAT(bad.err, Catch::Contains("--temperatures"));
}
