// A signal reaches lskd while it waits for another process: a student whose teacher logits another student is
// computing (the teacher cache's lock) stops at once with 128 + the signal, rather than when the other lets go.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "framework/io/file_lock.hpp"
#include "tests/child_exit.hpp"
#include "tests/cli/tiny_runs.hpp"

using namespace lskd::testing;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Whether process `pid` has `path` open (a link in /proc/<pid>/fd).
bool has_open(int pid, const fs::path& path) {
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator(fmt::format("/proc/{}/fd", pid), ec)) {
        std::error_code unreadable;
        if (fs::read_symlink(fd.path(), unreadable) == path) return true;
    }
    return false;
}

// The one cache file in `dir`.
fs::path only_file(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".h5") files.push_back(e.path());
    REQUIRE(files.size() == 1);
    return files[0];
}

}  // namespace

TEST_CASE("lskd distill waiting for another student's teacher logits stops at a signal at once", "[cli][signals]") {
    const fs::path dir = cli_temp_dir("waiting_student");
    const std::string teacher = (dir / "teacher").string(), cache = (dir / "cache").string();
    REQUIRE(run_lskd(tiny_run_args("train", {"--output", teacher, "--quiet"})).code == 0);
    const auto student = [&](const std::string& name) {
        std::vector<std::string> args = tiny_run_args(
            "distill", {"--teacher", teacher, "--teacher-cache", cache, "--output", (dir / name).string(), "--quiet"});
        args.insert(args.begin(), kLskd);
        return args;
    };
    REQUIRE(run_program(student("first")).code == 0);
    // Another student is computing the same logits: it holds the cache file's lock, and the file is not there yet.
    const fs::path file = only_file(cache);
    fs::remove(file);
    std::optional<lskd::io::FileLock> other(lskd::io::FileLock::try_lock_file(file.string(), "teacher cache"));

    const int pid = lskd::study::spawn_logged(student("second"), (dir / "second.log").string());
    const auto give_up = Clock::now() + std::chrono::seconds(60);
    while (!has_open(pid, file.string() + ".lock") && Clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(has_open(pid, file.string() + ".lock"));  // waiting for the other student
    ::kill(pid, SIGTERM);
    const std::optional<int> code = exit_by(pid, Clock::now() + std::chrono::seconds(20));
    other.reset();  // lets a student that did not stop go on and end, so the test never hangs
    const int ended = code ? *code : lskd::study::wait_child(pid);
    INFO(read_text(dir / "second.log"));
    CHECK(code.has_value());
    CHECK(ended == 128 + SIGTERM);
    CHECK_FALSE(fs::exists(dir / "second" / "checkpoint.h5"));
    CHECK_FALSE(fs::exists(file));  // it computed nothing
}
