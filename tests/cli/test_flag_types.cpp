#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_runner.hpp"

using namespace lskd::testing;

namespace {

// Flag → the value type its --help line shows ("--epochs INT  training epochs"); flags without a value are absent.
std::map<std::string, std::string> flag_types(const std::vector<std::string>& command) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    const ProgramOutput r = run_lskd(args);
    REQUIRE(r.code == 0);
    std::map<std::string, std::string> types;
    for (const std::string& line : lines_of(r.out)) {
        const auto flag = line.find("--");
        if (line.rfind("  ", 0) != 0 || flag == std::string::npos || line.find_first_not_of(' ') > flag) continue;
        const auto space = line.find(' ', flag);
        if (space == std::string::npos || line[space + 1] == ' ') continue;
        const auto type_end = line.find_first_of(" =:", space + 1);  // INT=15, TEXT:{a,b}: a default or choices
        types[line.substr(flag, space - flag)] = line.substr(space + 1, type_end - space - 1);
    }
    return types;
}

void check_types(const std::vector<std::string>& command, const std::map<std::string, std::string>& expected) {
    const std::map<std::string, std::string> types = flag_types(command);
    for (const auto& [flag, type] : expected) {
        INFO("lskd " << command.front() << (command.size() > 1 ? " " + command.back() : "") << " " << flag);
        REQUIRE(types.count(flag) == 1);
        CHECK(types.at(flag) == type);
    }
}

}  // namespace

// The run-config flags are all parsed from text by the config fields, but --help must show what a value is.
TEST_CASE("the run-config flags of train and distill show INT or FLOAT for numbers in --help", "[cli]") {
    const std::string integers = "--val-size --max-train --max-test --data-seed --epochs --batch --shift --hflip "
                                 "--seed --threads --record-every "
                                 "--record-per-class --mi-every --mi-examples --mi-views --warmup";
    const std::string reals = "--smoothing --lr --momentum --adam-eps --weight-decay --lr-gamma --clip-norm "
                              "--dropout --temperature --beta";
    const std::string texts = "--model --dataset --data-dir --optimizer --schedule --output --teacher --loss --config";
    std::map<std::string, std::string> expected;
    for (const std::string& flag : words_of(integers)) expected[flag] = "INT";
    for (const std::string& flag : words_of(reals)) expected[flag] = "FLOAT";
    for (const std::string& flag : words_of(texts)) expected[flag] = "TEXT";
    expected["--adam-betas"] = "FLOAT,FLOAT";
    check_types({"train"}, expected);
    check_types({"distill"}, expected);
}

TEST_CASE("the other numeric flags show INT (UINT for a seed) in --help", "[cli]") {
    check_types({"eval"}, {{"--threads", "INT"}, {"--split", "TEXT"}});
    check_types({"bench"}, {{"--batch", "INT"}, {"--steps", "INT"}, {"--warmup", "INT"}, {"--classes", "INT"}});
    check_types({"bench"}, {{"--threads", "INT"}, {"--model", "TEXT"}});
    check_types({"sweep"}, {{"--jobs", "INT"}, {"--out", "TEXT"}});
    check_types({"study"}, {{"--jobs", "INT"}, {"--out", "TEXT"}});
    check_types({"analyze", "calibration"}, {{"--bins", "INT"}, {"--threads", "INT"}});
    check_types({"analyze", "mi"}, {{"--examples", "INT"}, {"--views", "INT"}, {"--seed", "UINT"}, {"--batch", "INT"}});
    check_types({"analyze", "erasure"}, {{"--epoch", "INT"}});
}
