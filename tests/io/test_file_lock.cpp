#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "framework/io/file_lock.hpp"
#include "tests/io/io_test_support.hpp"
#include "tests/io/lock_holder.hpp"

using namespace lskd;
using namespace lskd::io;
using namespace lskd::io::testing;

namespace {

// The pid of a process that has ended.
long dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

}  // namespace

TEST_CASE("a second writer of a locked output fails at once, naming the holder's pid", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "same.h5";
    LockHolder holder(path, false);
    try {
        FileLock::try_lock_file(path, "training");
        FAIL("the second lock was granted");
    } catch (const LockBusy& busy) {
        CHECK(busy.holder_pid() == holder.pid());
        CHECK(busy.holder_purpose() == "training");
        CHECK_THAT(busy.what(), Catch::StartsWith(path + " is being written by process " +
                                                  std::to_string(holder.pid()) + " (training)"));
    }
    // The output itself was never created; only the holder's lock file is there.
    CHECK(dir.entries() == std::vector<std::string>{"same.h5.lock"});
}

TEST_CASE("a lock dies with its process, even a killed one", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    LockHolder holder(path, false);
    CHECK_THROWS_AS(FileLock::try_lock_file(path, "training"), LockBusy);
    holder.kill();
    {
        const FileLock lock = FileLock::try_lock_file(path, "training");
        CHECK(read_bytes(lock.lock_path()) == std::to_string(::getpid()) + " training\n");
    }
    // Let go: the lock file goes with it.
    CHECK(dir.entries().empty());
}

TEST_CASE("two locks of one output in one process exclude each other too", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    const FileLock first = FileLock::try_lock_file(path, "analysis");
    CHECK_THROWS_WITH(FileLock::try_lock_file(path, "training"),
                      Catch::Contains("is being written by process " + std::to_string(::getpid()) + " (analysis)"));
    const FileLock other = FileLock::try_lock_file(dir / "other.h5", "training");  // another output is free
}

namespace {

// A holder caught between locking "<path>.lock" and writing its line: the lock taken by hand, nothing written.
struct SilentHolder {
    explicit SilentHolder(const std::string& path) : lock_path(path + ".lock") {
        fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::flock(fd, LOCK_EX) == 0);
    }
    ~SilentHolder() { let_go(); }
    void say(const std::string& line) const {
        REQUIRE(::pwrite(fd, line.data(), line.size(), 0) == ssize_t(line.size()));
    }
    // As FileLock lets go: the lock file deleted while held, then closed.
    void let_go() {
        if (fd < 0) return;
        ::unlink(lock_path.c_str());
        ::close(fd);
        fd = -1;
    }
    std::string lock_path;
    int fd = -1;
};

// Runs `action` on a thread of its own 50 ms from now, while the test's lock attempt is under way.
std::thread in_a_moment(const std::function<void()>& action) {
    return std::thread([action] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        action();
    });
}

}  // namespace

// Found by `lskd analyze` of three analyses started together: the third met the second just after it locked and,
// reading no holder, refused the run instead of waiting for another analysis.
TEST_CASE("a lock taken a moment ago is named once its holder has written its line", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "run";
    SilentHolder holder(path);
    std::thread late = in_a_moment([&] { holder.say("4242 analysis\n"); });
    try {
        FileLock::try_lock_file(path, "analysis");
        FAIL("the second lock was granted");
    } catch (const LockBusy& busy) {
        CHECK(busy.holder_pid() == 4242);
        CHECK(busy.holder_purpose() == "analysis");
    }
    late.join();
}

TEST_CASE("a lock let go before its holder said who it was is taken", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "run";
    SilentHolder holder(path);
    std::thread gone = in_a_moment([&] { holder.let_go(); });
    const FileLock lock = FileLock::try_lock_file(path, "analysis");
    gone.join();
    CHECK(lock.lock_path() == path + ".lock");
}

TEST_CASE("the blocking lock waits for the holder to let go", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    LockHolder holder(path, false);
    std::atomic<bool> granted{false};
    std::thread waiter([&] {
        const FileLock lock = FileLock::lock_file(path, "analysis");
        granted = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK_FALSE(granted);  // still waiting while the holder lives
    holder.kill();
    waiter.join();
    CHECK(granted);
}

TEST_CASE("a waiting lock calls its callback while it waits and gives up when the callback throws", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    int calls = 0;
    const auto stop_third = [&] {
        if (++calls == 3) throw std::runtime_error("interrupted");
    };
    {
        LockHolder holder(path, false);
        CHECK_THROWS_WITH(FileLock::lock_file(path, "analysis", stop_third), "interrupted");
        CHECK(calls == 3);
    }
    // Free: taken at once, the callback never called.
    calls = 0;
    const FileLock lock = FileLock::lock_file(path, "analysis", stop_third);
    CHECK(calls == 0);
}

TEST_CASE("a directory lock keeps a second sweep out of the directory", "[io][lock]") {
    TempDir dir;
    LockHolder holder(dir.path(), true);
    CHECK_THROWS_WITH(
        FileLock::try_lock_directory(dir.path(), "sweep"),
        Catch::StartsWith(dir.path() + " is being written by process " + std::to_string(holder.pid()) + " (sweep)"));
    holder.kill();
    const FileLock lock = FileLock::try_lock_directory(dir.path(), "sweep");
    CHECK(lock.lock_path() == dir / ".lskd.lock");
}

TEST_CASE("a lock clears the temporary files that dead writers of its output left", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "run.h5";
    const std::string dead = std::to_string(dead_pid());
    for (const std::string& name :
         {"run.h5.tmp." + dead, std::string("run.h5.tmp.1"), "run.h5.tmp." + std::to_string(::getpid()),
          "other.h5.tmp." + dead, "run.h5.tmp.x" + dead})
        write_bytes(dir / name, "left over");
    { const FileLock lock = FileLock::try_lock_file(path, "training"); }
    // Only the dead process's file of this output goes: pid 1 and this process are alive, and the rest
    // belong to another output or are not lskd's temporary names.
    std::vector<std::string> kept{"other.h5.tmp." + dead, "run.h5.tmp." + std::to_string(::getpid()), "run.h5.tmp.1",
                                  "run.h5.tmp.x" + dead};
    std::sort(kept.begin(), kept.end());
    CHECK(dir.entries() == kept);
}

TEST_CASE("a directory lock clears every dead writer's temporary file in the directory", "[io][lock]") {
    TempDir dir;
    const std::string dead = std::to_string(dead_pid());
    for (const std::string& name :
         {"summary.csv.tmp." + dead, "run.h5.tmp." + dead, std::string("run.h5.tmp.1"), std::string("run.h5")})
        write_bytes(dir / name, "x");
    { const FileLock lock = FileLock::try_lock_directory(dir.path(), "sweep"); }
    CHECK(dir.entries() == std::vector<std::string>{"run.h5", "run.h5.tmp.1"});
}

TEST_CASE("a lock in a missing directory is an error naming the output", "[io][lock]") {
    TempDir dir;
    const std::string path = dir / "missing/run.h5";
    CHECK_THROWS_WITH(FileLock::try_lock_file(path, "training"),
                      Catch::StartsWith(path + ": cannot create the lock file"));
}

TEST_CASE("clearing a run directory's dead temporaries reaches every directory below it, and nothing else",
          "[io][lock]") {
    TempDir dir;
    const std::string dead = std::to_string(dead_pid());
    std::filesystem::create_directories(dir / "run/records");
    for (const std::string& name :
         {"run/checkpoint.h5.tmp." + dead, "run/records/train_epoch_2.h5.tmp." + dead,
          std::string("run/records/train_epoch_1.h5"), std::string("run/records/x.tmp.1"), "beside.tmp." + dead})
        write_bytes(dir / name, "x");
    remove_dead_temporaries_within(dir / "run");
    CHECK_FALSE(std::filesystem::exists(dir / ("run/checkpoint.h5.tmp." + dead)));
    CHECK_FALSE(std::filesystem::exists(dir / ("run/records/train_epoch_2.h5.tmp." + dead)));
    CHECK(std::filesystem::exists(dir / "run/records/train_epoch_1.h5"));
    CHECK(std::filesystem::exists(dir / "run/records/x.tmp.1"));   // pid 1 is alive
    CHECK(std::filesystem::exists(dir / ("beside.tmp." + dead)));  // outside the directory
}
