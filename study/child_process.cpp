#include "study/child_process.hpp"

#include <fcntl.h>
#include <spawn.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "framework/core/error.hpp"
#include "framework/core/interrupt.hpp"
#include "framework/io/child_status.hpp"

extern char** environ;

namespace lskd::study {
namespace {

// How often an interruptible wait looks for an interrupt: the handlers restart a blocking waitpid (SA_RESTART),
// so such a wait polls instead.
constexpr std::chrono::milliseconds kInterruptPoll{20};

ChildExit exit_of(const io::ChildStatus& s) { return {s.pid, s.code()}; }

ChildExit wait_for(pid_t which, const std::string& what, bool interruptible) {
    if (!interruptible) return exit_of(io::wait_for_child(which, what));
    for (;;) {
        throw_if_interrupted();
        if (const auto s = io::poll_child(which, what)) return exit_of(*s);
        std::this_thread::sleep_for(kInterruptPoll);
    }
}

}  // namespace

int spawn_child(const std::vector<std::string>& argv, const std::string& stdout_path, const std::string& stderr_path) {
    if (argv.empty()) fail("cannot start a child process without a program");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    constexpr int flags = O_WRONLY | O_CREAT | O_TRUNC;
    posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), flags, 0644);
    if (stderr_path == stdout_path)
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    else
        posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), flags, 0644);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) fail("{}: cannot start (output to {}): {}", argv[0], stdout_path, std::strerror(rc));
    return pid;
}

int spawn_logged(const std::vector<std::string>& argv, const std::string& log_path) {
    return spawn_child(argv, log_path, log_path);
}

ChildExit wait_any_child() { return wait_for(-1, "a sweep job", true); }

int wait_child(int pid) {
    try {
        return wait_for(pid, "child process " + std::to_string(pid), true).code;
    } catch (const Interrupted&) {
        stop_children({pid});
        throw;
    }
}

void stop_children(const std::vector<int>& pids) {
    for (int pid : pids) ::kill(pid, SIGTERM);
    for (int pid : pids) wait_for(pid, "child process " + std::to_string(pid), false);
}

int run_child(const std::vector<std::string>& argv, const std::string& log_path) {
    return wait_child(spawn_logged(argv, log_path));
}

int run_child(const std::vector<std::string>& argv, const std::string& stdout_path, const std::string& stderr_path) {
    return wait_child(spawn_child(argv, stdout_path, stderr_path));
}

}  // namespace lskd::study
