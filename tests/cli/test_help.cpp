#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/cli/cli_runner.hpp"

using namespace lskd::testing;

namespace {

// The names CLI11 lists under "Subcommands:" in a help text, up to the next blank line.
std::vector<std::string> subcommands_in(const std::string& help) {
    std::vector<std::string> names;
    bool listing = false;
    for (const std::string& line : lines_of(help)) {
        if (line == "Subcommands:") {
            listing = true;
        } else if (listing) {
            if (line.empty()) break;
            const auto start = line.find_first_not_of(' ');
            names.push_back(line.substr(start, line.find(' ', start) - start));
        }
    }
    return names;
}

// `lskd <words> --help`: exit 0 and a usage line naming the (sub)command path.
void check_help(const std::vector<std::string>& words) {
    std::vector<std::string> args = words;
    args.push_back("--help");
    const ProgramOutput r = run_lskd(args);
    std::string path;
    for (const std::string& w : words) path += " " + w;
    INFO("lskd" << path << " --help\nstdout:\n" << r.out << "stderr:\n" << r.err);
    CHECK(r.code == 0);
    bool usage = false;
    for (const std::string& line : lines_of(r.out)) usage = usage || (line.rfind("Usage: " + kLskd + path, 0) == 0);
    CHECK(usage);
}

std::set<std::string> as_set(const std::vector<std::string>& names) { return {names.begin(), names.end()}; }

}  // namespace

TEST_CASE("lskd --help lists the subcommands and each one's --help prints a usage line", "[cli]") {
    check_help({});
    const std::vector<std::string> commands = subcommands_in(run_lskd({"--help"}).out);
    const std::set<std::string> known{"train",   "eval",  "bench",  "distill", "sweep",
                                      "analyze", "study", "export", "score"};
    for (const std::string& name : known) {
        INFO(name);
        CHECK(as_set(commands).count(name) == 1);
    }
    for (const std::string& command : commands) check_help({command});
}

TEST_CASE("lskd analyze --help lists the analyses and each one's --help prints a usage line", "[cli]") {
    const std::vector<std::string> analyses = subcommands_in(run_lskd({"analyze", "--help"}).out);
    CHECK(as_set(analyses) == std::set<std::string>{"calibration", "projection", "mi", "erasure", "decoding"});
    for (const std::string& analysis : analyses) check_help({"analyze", analysis});
}
