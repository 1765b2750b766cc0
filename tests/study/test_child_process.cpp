#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/core/interrupt.hpp"
#include "study/child_process.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd::study;
using namespace lskd::testing;
namespace fs = std::filesystem;

namespace {

std::string text_of(const fs::path& path) {
    const std::vector<char> bytes = file_bytes(path.string());
    return {bytes.begin(), bytes.end()};
}

// A child that ends with status 5 once asked to stop with SIGTERM, and runs on otherwise.
int spawn_stoppable(const fs::path& log) {
    return spawn_logged({"/bin/sh", "-c", "trap 'exit 5' TERM; while :; do sleep 0.02; done"}, log.string());
}

bool alive(int pid) { return ::kill(pid, 0) == 0; }

// Runs `body` in a forked copy of this process with the interrupt handlers installed (they cannot be taken back):
// its exit status, 0 when every check in it passed.
int exit_status_of_forked(const std::function<int()>& body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        lskd::install_interrupt_handlers();
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("run_child returns the child's exit status, or 128 + the signal that ended it", "[study][child]") {
    const fs::path dir = temp_dir("child_status");
    const std::string log = (dir / "log").string();
    CHECK(run_child({"/bin/sh", "-c", "exit 0"}, log) == 0);
    CHECK(run_child({"/bin/sh", "-c", "exit 7"}, log) == 7);
    CHECK(run_child({"/bin/sh", "-c", "kill -TERM $$"}, log) == 128 + 15);
}

TEST_CASE("run_child passes every argument verbatim, with no shell in between", "[study][child]") {
    const fs::path dir = temp_dir("child_argv");
    const std::string log = (dir / "log").string();
    const std::vector<std::string> args{"a b", "it's \"quoted\"", "$HOME", "*", "x; echo injected", ""};
    std::vector<std::string> argv{"/usr/bin/printf", "[%s]\\n"};
    argv.insert(argv.end(), args.begin(), args.end());
    REQUIRE(run_child(argv, log) == 0);
    CHECK(text_of(log) == "[a b]\n[it's \"quoted\"]\n[$HOME]\n[*]\n[x; echo injected]\n[]\n");
}

TEST_CASE("run_child writes stdout and stderr to one log or to a file each", "[study][child]") {
    const fs::path dir = temp_dir("child_output");
    const std::vector<std::string> argv{"/bin/sh", "-c", "echo out; echo err >&2"};
    REQUIRE(run_child(argv, (dir / "both").string()) == 0);
    CHECK(text_of(dir / "both") == "out\nerr\n");
    REQUIRE(run_child(argv, (dir / "out").string(), (dir / "err").string()) == 0);
    CHECK(text_of(dir / "out") == "out\n");
    CHECK(text_of(dir / "err") == "err\n");
}

TEST_CASE("a child that cannot start is an Error naming the program", "[study][child]") {
    const fs::path dir = temp_dir("child_missing");
    const std::string log = (dir / "log").string();
    CHECK_THROWS_WITH(run_child({"/no/such/program", "x"}, log), Catch::Contains("/no/such/program") &&
                                                                     Catch::Contains("cannot start") &&
                                                                     Catch::Contains("No such file or directory"));
    // A bare name is not looked up on PATH: the caller names the program it means.
    CHECK_THROWS_WITH(run_child({"sh", "-c", "exit 0"}, log), Catch::Contains("sh: cannot start"));
    CHECK_THROWS_WITH(run_child({"/bin/sh", "-c", "exit 0"}, (dir / "no_dir" / "log").string()),
                      Catch::Contains("no_dir/log"));
    CHECK_THROWS_WITH(run_child({}, log), Catch::Contains("without a program"));
}

TEST_CASE("wait_any_child reports each spawned child once, with its own exit status", "[study][child]") {
    const fs::path dir = temp_dir("child_any");
    const int first = spawn_logged({"/bin/sh", "-c", "exit 3"}, (dir / "a").string());
    const int second = spawn_logged({"/bin/sh", "-c", "exit 4"}, (dir / "b").string());
    std::set<std::pair<int, int>> ended;
    for (int i = 0; i < 2; ++i) {
        const ChildExit e = wait_any_child();
        ended.insert({e.pid, e.code});
    }
    CHECK(ended == std::set<std::pair<int, int>>{{first, 3}, {second, 4}});
}

TEST_CASE("an interrupt during wait_child stops the child, waits for it and throws Interrupted", "[study][child]") {
    const fs::path dir = temp_dir("child_interrupted");
    CHECK(exit_status_of_forked([&] {
              const int pid = spawn_stoppable(dir / "log");
              std::raise(SIGTERM);
              try {
                  wait_child(pid);
              } catch (const lskd::Interrupted& e) {
                  if (e.signal() != SIGTERM) return 1;
                  return alive(pid) ? 2 : 0;  // waited for: not even a zombie is left
              }
              return 3;
          }) == 0);
}

TEST_CASE("an interrupt during wait_any_child throws and leaves the children to stop_children", "[study][child]") {
    const fs::path dir = temp_dir("child_any_interrupted");
    CHECK(exit_status_of_forked([&] {
              const std::vector<int> pids{spawn_stoppable(dir / "a"), spawn_stoppable(dir / "b")};
              std::raise(SIGINT);
              try {
                  wait_any_child();
                  return 1;
              } catch (const lskd::Interrupted& e) {
                  if (e.signal() != SIGINT) return 2;
              }
              if (!alive(pids[0]) || !alive(pids[1])) return 3;
              stop_children(pids);
              return alive(pids[0]) || alive(pids[1]) ? 4 : 0;
          }) == 0);
}
