// Child processes for parallel sweeps: start a command with its stdout and stderr in a log file, and wait
// for whichever child ends next.
#pragma once
#include <string>
#include <vector>

namespace lskd::study {

// Starts argv[0] (a path) with arguments argv[1..]; returns the child's pid. Throws an Error if it cannot.
int spawn_logged(const std::vector<std::string>& argv, const std::string& log_path);

struct ChildExit {
    int pid = 0;
    int code = 0;  // the exit status, or 128 + the signal that ended it
};

// Blocks until one child of this process ends.
ChildExit wait_any_child();

}  // namespace lskd::study
