// Runs a check of untrusted input in a forked child process under a wall-clock, CPU-time and memory limit, so that
// a crash, an endless loop or a runaway allocation inside a library reading the input ends the child, not lskd.
// A fork without exec, rather than lskd run again with a hidden command: it works in every program that links this
// library (lskd, the tests, the fuzz harnesses), and the check is a function, not a command line.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

namespace lskd::io {

struct SandboxLimits {
    double seconds = 60;  // of wall-clock time, and of CPU time
    // Of address space beyond what this process has mapped at the fork (so memory that malloc holds free then
    // comes on top).
    std::size_t memory_bytes = std::size_t{1} << 30;
};

struct SandboxResult {
    enum class Outcome { passed, refused, crashed, timed_out, out_of_memory };
    Outcome outcome = Outcome::passed;
    std::string message;  // refused: what the check threw
    int signal = 0;       // crashed: the signal that ended the child, or 0 when it exited with an unexpected code
    int exit_code = 0;    // crashed without a signal: that code
};

// Forks; the child runs `check` and leaves with _exit (no exit handler it inherited runs, no stdio buffer is
// flushed twice). The outcome is passed when `check` returns, refused when it throws (an lskd::Error or another
// std::exception, whose message comes back), out_of_memory when it throws std::bad_alloc, timed_out when the
// child outlives `limits.seconds` of wall-clock or CPU time (it is killed), crashed when a signal or another
// exit code ends it.
//
// Only the forking thread lives on in the child, so a lock that another thread held at the fork stays held
// there: the caller must hold whatever lock keeps other threads out of the libraries `check` uses, and `check`
// must not take that lock again (a mutex records its owner by thread id, which differs in the child). glibc's
// fork leaves malloc usable in the child. Throws an Error when the child cannot be started.
SandboxResult run_sandboxed(const std::function<void()>& check, const SandboxLimits& limits);

}  // namespace lskd::io
