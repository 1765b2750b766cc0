// Child processes started from an argument vector (never through a shell): sweep jobs and the plotting tool
// with their output in log files, and whichever child ends next or one given child. The waits see an interrupt
// of this process (framework/core/interrupt.hpp) and throw Interrupted.
#pragma once
#include <string>
#include <vector>

namespace lskd::study {

// Starts argv[0] (a path, not searched on PATH) with arguments argv[1..], each passed verbatim; its stdout goes
// to stdout_path and its stderr to stderr_path (the same file when they are equal). Returns the child's pid;
// throws an Error naming argv[0] if it cannot start (a missing executable included).
int spawn_child(const std::vector<std::string>& argv, const std::string& stdout_path, const std::string& stderr_path);

// spawn_child with stdout and stderr in one log file.
int spawn_logged(const std::vector<std::string>& argv, const std::string& log_path);

struct ChildExit {
    int pid = 0;
    int code = 0;  // the exit status, or 128 + the signal that ended it
};

// Blocks until one child of this process ends. Throws Interrupted if this process is interrupted first;
// the children keep running (stop_children ends them).
ChildExit wait_any_child();

// Blocks until the child `pid` ends; returns its exit code as in ChildExit. If this process is interrupted first,
// stops the child (stop_children) and throws Interrupted.
int wait_child(int pid);

// Asks each child to stop with SIGTERM and waits until every one has ended, whatever signals come meanwhile:
// each lskd child unwinds and removes its own lock and temporary files.
void stop_children(const std::vector<int>& pids);

// Starts argv as spawn_logged does and waits for it: the child's exit code.
int run_child(const std::vector<std::string>& argv, const std::string& log_path);
// The same with stdout and stderr in files of their own.
int run_child(const std::vector<std::string>& argv, const std::string& stdout_path, const std::string& stderr_path);

}  // namespace lskd::study
