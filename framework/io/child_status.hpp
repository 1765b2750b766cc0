// How a child process ended, read with waitpid and its EINTR retries: shared by the sandboxed checks of this folder
// and the sweep jobs and tools that study/ starts.
#pragma once
#include <optional>
#include <string>

namespace lskd::io {

struct ChildStatus {
    int pid = 0;
    int exit_code = 0;  // when it exited
    int signal = 0;     // the signal that ended it, or 0 when it exited

    // The exit code, or 128 + the signal, as a shell reports it.
    int code() const { return signal != 0 ? 128 + signal : exit_code; }
};

// Blocks until the child `pid` (any child when -1) ends; throws "waiting for <what>: <reason>" when there is none.
ChildStatus wait_for_child(int pid, const std::string& what);
// As wait_for_child, without blocking: nothing while the child (any child when -1) is still running.
std::optional<ChildStatus> poll_child(int pid, const std::string& what);

}  // namespace lskd::io
