#include "framework/io/sandboxed_check.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>

#include "framework/core/error.hpp"
#include "framework/io/child_status.hpp"
#include "framework/io/posix_files.hpp"

// Weak, so null outside a sanitizer build. A sanitizer's report in the checking child would run libFuzzer's death
// callback there, which saves the current input as a crash although the check has contained it.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace lskd::io {
namespace {

// The child's exit codes, chosen apart from the 1 that sanitizers and most failures exit with.
constexpr int kRefused = 101;
constexpr int kOutOfMemory = 102;
// What comes back of a refusal's message; an lskd::Error is one line.
constexpr std::size_t kMaxMessageBytes = 64 * 1024;

// Lowers a limit, never above its hard limit (only root could raise that).
void lower_limit(int resource, rlim_t soft, rlim_t hard) {
    rlimit current{};
    if (::getrlimit(resource, &current) != 0) return;
    const rlimit next{std::min(soft, current.rlim_max), std::min(hard, current.rlim_max)};
    ::setrlimit(resource, &next);
}

// The bytes of address space mapped now (the first field of /proc/self/statm, in pages), or 0 if unknown.
std::size_t mapped_bytes() {
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char text[64] = {};
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    return n > 0 ? std::strtoull(text, nullptr, 10) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

void write_all(int fd, const char* text, std::size_t size) {
    size = std::min(size, kMaxMessageBytes);
    while (size > 0) {
        const ssize_t n = ::write(fd, text, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text += n;
        size -= static_cast<std::size_t>(n);
    }
}

[[noreturn]] void run_child(const std::function<void()>& check, const SandboxLimits& limits, int out, pid_t parent) {
    // The child dies with the parent (an interrupted lskd), also when the parent died before this call.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(kRefused);
    // A crash must end the child with its signal, not run the handlers of a test framework or a sanitizer that the
    // parent installed; and it must not leave a core file behind.
    for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXCPU}) std::signal(sig, SIG_DFL);
    lower_limit(RLIMIT_CORE, 0, 0);
    if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(nullptr);
    // Sanitizers map terabytes of shadow memory, so the limit counts from what is mapped already.
    const rlim_t memory = mapped_bytes() + limits.memory_bytes;
    lower_limit(RLIMIT_AS, memory, memory);
    // The parent kills the child at the wall-clock limit; the CPU-time limit is the last resort.
    // SIGXCPU at the soft limit; the hard one, a second later, only if something blocked that signal.
    const auto cpu = static_cast<rlim_t>(std::ceil(std::max(limits.seconds, 1.0)));
    lower_limit(RLIMIT_CPU, cpu, cpu + 1);
    int code = 0;
    try {
        check();
    } catch (const std::bad_alloc&) {
        code = kOutOfMemory;
    } catch (const std::exception& e) {
        code = kRefused;
        write_all(out, e.what(), std::strlen(e.what()));
    } catch (...) {
        code = kRefused;
    }
    ::_exit(code);
}

// Reads the child's message until it ends or the deadline passes; true if the deadline passed first.
bool read_until_exit(int fd, double seconds, std::string& message) {
    using Clock = std::chrono::steady_clock;
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    char buffer[4096];
    while (true) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return true;
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000 * 1000)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return true;  // poll could not wait (no kernel memory): the child is ended as if late
        if (ready == 0) continue;    // the deadline is checked at the top
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // end of file: the child has exited, closing its end
        if (message.size() < kMaxMessageBytes) message.append(buffer, static_cast<std::size_t>(n));
    }
}

}  // namespace

SandboxResult run_sandboxed(const std::function<void()>& check, const SandboxLimits& limits) {
    // Close-on-exec, so that a program another thread starts meanwhile does not hold the pipe open.
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail("cannot start a checking process: {}", posix::errno_text(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        fail("cannot start a checking process: {}", posix::errno_text(err));
    }
    if (pid == 0) {
        ::close(fds[0]);
        run_child(check, limits, fds[1], parent);
    }
    ::close(fds[1]);
    SandboxResult r;
    const bool late = read_until_exit(fds[0], limits.seconds, r.message);
    ::close(fds[0]);
    if (late) ::kill(pid, SIGKILL);
    const ChildStatus s = wait_for_child(pid, "the checking process " + std::to_string(pid));
    using Outcome = SandboxResult::Outcome;
    if (late || s.signal == SIGXCPU)
        r.outcome = Outcome::timed_out;
    else if (s.signal != 0)
        r.outcome = Outcome::crashed;
    else if (s.exit_code == 0)
        r.outcome = Outcome::passed;
    else if (s.exit_code == kRefused)
        r.outcome = Outcome::refused;
    else if (s.exit_code == kOutOfMemory)
        r.outcome = Outcome::out_of_memory;
    else
        r.outcome = Outcome::crashed;
    if (r.outcome != Outcome::refused) r.message.clear();
    r.signal = s.signal;
    r.exit_code = s.exit_code;
    return r;
}

}  // namespace lskd::io
