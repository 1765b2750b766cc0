// Test helper: a child process that holds an lskd file or directory lock, as another lskd would, until killed.
#pragma once
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "framework/io/file_lock.hpp"

namespace lskd::io::testing {

// A child process that takes a lock, tells the parent through a pipe, and holds it until killed.
class LockHolder {
public:
    LockHolder(const std::string& output, bool directory) {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        std::fflush(nullptr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(ready[0]);
            try {
                const FileLock lock = directory ? FileLock::try_lock_directory(output, "sweep")
                                                : FileLock::try_lock_file(output, "training");
                const char ok = 1;
                if (::write(ready[1], &ok, 1) != 1) ::_exit(2);
                ::pause();
            } catch (...) {
            }
            ::_exit(3);
        }
        ::close(ready[1]);
        char ok = 0;
        REQUIRE(::read(ready[0], &ok, 1) == 1);
        ::close(ready[0]);
    }
    ~LockHolder() { kill(); }
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;

    pid_t pid() const { return pid_; }
    // SIGKILL: the holder gets no chance to let go or clean up; the kernel drops its lock.
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
};

}  // namespace lskd::io::testing
