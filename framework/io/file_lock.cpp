// FileLock: flock() on a lock file beside the output, its holder's pid and purpose written inside.
#include "framework/io/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "framework/io/posix_files.hpp"

namespace lskd::io {
namespace {

using posix::errno_text;

// What the holder wrote into the lock file: "<pid> <purpose>".
struct Holder {
    long pid = 0;
    std::string purpose;
};

Holder read_holder(int fd) {
    char buffer[256] = {};
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    Holder h;
    if (n <= 0) return h;
    const std::string text(buffer, static_cast<std::size_t>(n));
    char* end = nullptr;
    h.pid = std::strtol(text.c_str(), &end, 10);
    std::string rest(end);
    while (!rest.empty() && (rest.front() == ' ')) rest.erase(rest.begin());
    while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) rest.pop_back();
    h.purpose = rest;
    return h;
}

// A holder writes its line right after it locks, so a busy lock without one has only just been taken: the contender
// reads again for up to this many milliseconds, so that it learns who holds the output (an analysis waits for
// another analysis and for nothing else), and takes the lock if it is let go meanwhile.
constexpr int kHolderPolls = 2000;

// Returns 0 when the lock was let go and taken here while waiting for the holder's line, else -1 with `holder` read
// (empty only if the holder wrote nothing in all that time).
int lock_or_read_holder(int fd, Holder& holder) {
    for (int poll = 0;; ++poll) {
        holder = read_holder(fd);
        if (holder.pid > 0 || poll == kHolderPolls) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return 0;
        if (errno != EWOULDBLOCK) return -1;
    }
}

// Waits until the lock is taken, polling every 10 ms with `while_waiting` (when set) called between; it may throw
// to give up. Polling, not a blocking flock: with SA_RESTART a signal would re-enter the blocking call.
int wait_for_lock(int fd, const std::function<void()>& while_waiting) {
    for (;;) {
        if (while_waiting) while_waiting();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const int rc = ::flock(fd, LOCK_EX | LOCK_NB);
        if (rc == 0 || errno != EWOULDBLOCK) return rc;
    }
}

[[noreturn]] void busy(const std::string& output, const Holder& h) {
    const std::string who = h.pid > 0 ? fmt::format("process {}", h.pid) : std::string("another process");
    const std::string why = h.purpose.empty() ? std::string() : fmt::format(" ({})", h.purpose);
    throw LockBusy(
        fmt::format("{} is being written by {}{}; wait for it to finish or choose another output", output, who, why),
        h.pid, h.purpose);
}

bool same_inode(int fd, const std::string& path) {
    struct stat held {
    }, named{};
    return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
           held.st_ino == named.st_ino;
}

void write_holder(int fd, const std::string& output, const std::string& lock_path, const std::string& purpose) {
    const std::string text = fmt::format("{} {}\n", ::getpid(), purpose);
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
        fail("{}: cannot write the lock file '{}': {}", output, lock_path, errno_text(errno));
}

// Deletes "<name>.tmp.<pid>" files in `dir` whose process is gone, for the one `name` given or for any.
void remove_dead_temporaries_in(const std::string& dir, const std::string& name) {
    namespace fs = std::filesystem;
    const std::string marker = ".tmp.";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string file = entry.path().filename().string();
        const std::size_t at = file.rfind(marker);
        if (at == std::string::npos || at == 0 || (!name.empty() && file.compare(0, at, name) != 0) ||
            (!name.empty() && at != name.size()))
            continue;
        const std::string digits = file.substr(at + marker.size());
        if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const long pid = std::stol(digits);
        if (pid <= 0 || pid == ::getpid()) continue;
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        std::error_code ignored;
        fs::remove(entry.path(), ignored);
    }
}

}  // namespace

FileLock::FileLock(std::string output, std::string lock_path, int fd)
    : output_(std::move(output)), lock_path_(std::move(lock_path)), fd_(fd) {}

FileLock FileLock::acquire(const std::string& output, const std::string& lock_path, const std::string& purpose,
                           bool wait, const std::function<void()>& while_waiting) {
    for (;;) {
        const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) fail("{}: cannot create the lock file '{}': {}", output, lock_path, errno_text(errno));
        int rc = ::flock(fd, LOCK_EX | LOCK_NB);
        if (rc != 0 && errno == EWOULDBLOCK && !wait) {
            Holder h;
            rc = lock_or_read_holder(fd, h);
            if (rc != 0) {
                ::close(fd);
                busy(output, h);
            }
        } else if (rc != 0 && errno == EWOULDBLOCK) {
            try {
                rc = wait_for_lock(fd, while_waiting);
            } catch (...) {
                ::close(fd);
                throw;
            }
        }
        if (rc != 0) {
            const int err = errno;
            ::close(fd);
            fail("{}: cannot lock '{}': {}", output, lock_path, errno_text(err));
        }
        // A holder deletes its lock file as it lets go; a lock taken on a deleted file guards nothing.
        if (!same_inode(fd, lock_path)) {
            ::close(fd);
            continue;
        }
        FileLock lock(output, lock_path, fd);
        write_holder(fd, output, lock_path, purpose);
        return lock;
    }
}

FileLock FileLock::try_lock_file(const std::string& output, const std::string& purpose) {
    FileLock lock = acquire(output, output + ".lock", purpose, false);
    remove_dead_temporaries(output);
    return lock;
}

FileLock FileLock::lock_file(const std::string& output, const std::string& purpose,
                             const std::function<void()>& while_waiting) {
    FileLock lock = acquire(output, output + ".lock", purpose, true, while_waiting);
    remove_dead_temporaries(output);
    return lock;
}

FileLock FileLock::try_lock_directory(const std::string& dir, const std::string& purpose) {
    FileLock lock = acquire(dir, (std::filesystem::path(dir) / ".lskd.lock").string(), purpose, false);
    remove_dead_temporaries_in(dir, "");
    return lock;
}

FileLock::FileLock(FileLock&& other) noexcept
    : output_(std::move(other.output_)), lock_path_(std::move(other.lock_path_)), fd_(other.fd_) {
    other.fd_ = -1;
}

FileLock::~FileLock() {
    if (fd_ < 0) return;
    // Deleted while still held, so no one can lock this file after we let go (see acquire).
    ::unlink(lock_path_.c_str());
    ::close(fd_);
}

void remove_dead_temporaries(const std::string& output) {
    namespace fs = std::filesystem;
    remove_dead_temporaries_in(posix::directory_of(output), fs::path(output).filename().string());
}

void remove_dead_temporaries_within(const std::string& dir) {
    namespace fs = std::filesystem;
    remove_dead_temporaries_in(dir, "");
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec))
        if (entry.is_directory(ec) && !entry.is_symlink(ec)) remove_dead_temporaries_in(entry.path().string(), "");
}

}  // namespace lskd::io
