// Waiting, with a deadline, for a child process a test started (a forked copy, a spawned lskd).
#pragma once
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <thread>

namespace lskd::testing {

// The child's exit code once it ends (128 + the signal if one killed it, as a shell reports it), or nothing if it
// is still running at `deadline`.
inline std::optional<int> exit_by(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
}

}  // namespace lskd::testing
