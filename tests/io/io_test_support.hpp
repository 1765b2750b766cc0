// Helpers for the io tests: a scratch directory under /tmp, whole-file bytes, and running a check in a
// forked child (for resource limits and privileges that must not leak into the test process).
#pragma once
#include <hdf5.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "framework/core/error.hpp"

namespace lskd::io::testing {

class TempDir {
public:
    TempDir() {
        char name[] = "/tmp/lskd_io_XXXXXX";
        if (::mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = name;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }
    // Names in the directory, sorted.
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator(path_)) names.push_back(e.path().filename());
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    std::string path_;
};

inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// What a forked child reported: its exit code (-1 if it died of a signal) and the text it wrote.
struct ChildResult {
    int exit_code = -1;
    std::string message;
};

// Runs `body` in a forked child. `body` returns the child's exit code and may append to `message`, which
// reaches the parent through a pipe. The child leaves with _exit, skipping the exit handlers it inherited,
// unless `exit_handlers` asks for them to run (to show that the process can also end cleanly).
inline ChildResult run_in_child(const std::function<int(std::string& message)>& body, bool exit_handlers = false) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    // Anything buffered now would otherwise be written twice if the child runs its exit handlers.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        ::alarm(120);  // a hang in the child becomes a failure instead of a stuck test run
        // A crash must end the child: Catch2's handlers would report it as the parent's failure.
        for (const int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(sig, SIG_DFL);
        std::string message;
        int code = 99;
        try {
            code = body(message);
        } catch (const std::exception& e) {
            message += std::string("unexpected exception: ") + e.what();
        }
        const char* p = message.data();
        std::size_t left = message.size();
        while (left > 0) {
            const ssize_t n = ::write(fds[1], p, left);
            if (n <= 0) break;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
        if (exit_handlers) std::exit(code);
        ::_exit(code);
    }
    ::close(fds[1]);
    ChildResult result;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) result.message.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

// Runs `write` in a child whose files may not grow past `limit` bytes, as on a full disk (with SIGXFSZ
// ignored, a write past the limit fails with EFBIG). The child reports the lskd::Error it got, then ends
// through exit(), where HDF5 1.10's own clean-up would crash after a failed close (see h5_errors.cpp).
inline ChildResult with_file_size_limit(rlim_t limit, const std::function<void()>& write) {
    return run_in_child(
        [&](std::string& message) {
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit small{limit, limit};
            if (::setrlimit(RLIMIT_FSIZE, &small) != 0) return 5;
            try {
                write();
            } catch (const Error& e) {
                message = e.what();
                return 0;
            }
            return 1;
        },
        true);
}

// A new file made with raw HDF5 calls, as another program would, in the 1.8+ format that lskd opens without a
// check (h5py's libver="latest"); the caller closes it.
inline hid_t create_raw_file(const std::string& path) {
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST);
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    return file;
}

}  // namespace lskd::io::testing
