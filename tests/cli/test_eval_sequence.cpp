// lskd eval of a sequence run: its token accuracy, NLL and ECE and its beam search's BLEU and chrF on the test split
// equal what the run itself recorded for its last epoch in metrics.csv.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/cli/cli_runner.hpp"
#include "tests/distill/sequence_fixture.hpp"

using namespace lskd::testing;

namespace {

// The last row of a metrics.csv, by column name.
std::map<std::string, double> last_metrics(const std::filesystem::path& csv) {
    const auto lines = lines_of(read_text(csv));
    REQUIRE(lines.size() >= 2);
    std::map<std::string, double> row;
    std::stringstream names(lines.front()), values(lines.back());
    std::string name, value;
    while (std::getline(names, name, ',') && std::getline(values, value, ',')) row[name] = std::atof(value.c_str());
    return row;
}

// The number after "key": in a JSON line.
double json_number(const std::string& json, const std::string& key) {
    const auto at = json.find("\"" + key + "\": ");
    REQUIRE(at != std::string::npos);
    return std::atof(json.c_str() + at + key.size() + 4);
}

}  // namespace

TEST_CASE("eval of a sequence run", "[cli][sequence]") {
    const std::string data = reversal_corpus("cli_eval_sequence_data", 200);
    const std::string run = (cli_temp_dir("cli_eval_sequence") / "run").string();
    const ProgramOutput trained =
        run_lskd({"train",      "--dataset", "tsv",         "--data-dir", data,       "--model",  "transformer-tiny",
                  "--val-size", "30",        "--test-size", "30",         "--epochs", "1",        "--batch",
                  "32",         "--beam",    "2",           "--threads",  "1",        "--output", run});
    INFO(trained.err);
    REQUIRE(trained.code == 0);

    const ProgramOutput eval = run_lskd({"eval", run, "--json", "--threads", "1"});
    INFO(eval.err);
    REQUIRE(eval.code == 0);
    const auto recorded = last_metrics(std::filesystem::path(run) / "metrics.csv");
    for (const auto& [json_key, csv_key] : std::map<std::string, std::string>{{"accuracy", "test_acc"},
                                                                              {"nll", "test_nll"},
                                                                              {"ece", "test_ece"},
                                                                              {"bleu", "test_bleu"},
                                                                              {"chrf", "test_chrf"}}) {
        INFO(json_key);
        REQUIRE(recorded.contains(csv_key));
        CHECK(json_number(eval.out, json_key) == Approx(recorded.at(csv_key)).epsilon(1e-9));
    }
}
