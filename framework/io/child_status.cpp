#include "framework/io/child_status.hpp"

#include <sys/wait.h>

#include <cerrno>

#include "framework/core/error.hpp"
#include "framework/io/posix_files.hpp"

namespace lskd::io {

namespace {

// waitpid with its EINTR retries; nothing when `flags` has WNOHANG and the child still runs.
std::optional<ChildStatus> wait_with(int pid, int flags, const std::string& what) {
    int status = 0;
    pid_t ended;
    do {
        ended = ::waitpid(pid, &status, flags);
    } while (ended < 0 && errno == EINTR);
    if (ended < 0) fail("waiting for {}: {}", what, posix::errno_text(errno));
    if (ended == 0) return std::nullopt;
    ChildStatus s;
    s.pid = ended;
    if (WIFEXITED(status))
        s.exit_code = WEXITSTATUS(status);
    else
        s.signal = WTERMSIG(status);
    return s;
}

}  // namespace

ChildStatus wait_for_child(int pid, const std::string& what) { return *wait_with(pid, 0, what); }

std::optional<ChildStatus> poll_child(int pid, const std::string& what) { return wait_with(pid, WNOHANG, what); }

}  // namespace lskd::io
