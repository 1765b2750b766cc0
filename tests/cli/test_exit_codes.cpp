#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_runner.hpp"

using namespace lskd::testing;

namespace {

ProgramOutput run_logged(const std::vector<std::string>& args) {
    const ProgramOutput r = run_lskd(args);
    std::string line = "lskd";
    for (const std::string& a : args) line += " '" + a + "'";
    UNSCOPED_INFO(line << "\nexit " << r.code << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
}

}  // namespace

TEST_CASE("lskd exits 0 when it succeeds", "[cli]") {
    const ProgramOutput r = run_logged({"--version"});
    CHECK(r.code == 0);
    CHECK(r.out.find(LSKD_VERSION) != std::string::npos);
    CHECK(r.err.empty());
}

TEST_CASE("lskd exits 1 on an error while running, with one line naming what is wrong", "[cli]") {
    const std::string missing = (cli_temp_dir("exit_codes") / "no_such_run").string();
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"eval", missing},
                                               {"analyze", "calibration", missing},
                                               {"train", "--config", missing + ".yaml"},
                                               {"sweep", missing + ".yaml"}}) {
        const ProgramOutput r = run_logged(args);
        CHECK(r.code == 1);
        CHECK(r.err.rfind("lskd: error: ", 0) == 0);
        CHECK(r.err.find(args.back()) != std::string::npos);
        CHECK(lines_of(r.err).size() == 1);
        CHECK(r.out.empty());
    }
}

TEST_CASE("lskd exits 2 on a usage error: unknown flag or subcommand, missing argument or value", "[cli]") {
    const std::string run = (cli_temp_dir("exit_codes") / "run").string();
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{},                                   // no subcommand
                                               {"frobnicate"},                       // unknown subcommand
                                               {"analyze"},                          // no analysis
                                               {"analyze", "frobnicate", run},       // unknown analysis
                                               {"train", "--no-such-flag"},          // unknown flag
                                               {"eval"},                             // missing positional argument
                                               {"train", "--epochs"},                // flag without its value
                                               {"eval", run, "--split", "nope"}}) {  // value outside its choices
        const ProgramOutput r = run_logged(args);
        CHECK(r.code == 2);
        CHECK(r.err.find("--help") != std::string::npos);
        CHECK(r.out.empty());
    }
    CHECK(run_logged({"train", "--no-such-flag"}).err.find("--no-such-flag") != std::string::npos);
    CHECK(run_logged({"eval"}).err.find("run is required") != std::string::npos);
    CHECK(run_logged({"frobnicate"}).err.rfind("lskd: unknown subcommand 'frobnicate'", 0) == 0);
    const std::string unknown_analysis = run_logged({"analyze", "frobnicate", run}).err;
    CHECK(unknown_analysis.rfind("lskd analyze: unknown subcommand 'frobnicate'", 0) == 0);
    CHECK(run_logged({}).err.find("A subcommand is required") != std::string::npos);
}
