// Files that are not regular files, made inside a test's own temporary folder (never the real /dev): a character
// device node with /dev/null's numbers (mknod needs root, or CAP_MKNOD), a named pipe and a listening-free socket.
// Each returns false when the system refuses, so a test can skip visibly instead of failing.
#pragma once
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace lskd::io::testing {

inline bool make_char_device(const std::string& path) {
    return ::mknod(path.c_str(), S_IFCHR | 0600, ::makedev(1, 3)) == 0;
}

inline bool make_fifo(const std::string& path) { return ::mkfifo(path.c_str(), 0600) == 0; }

// A socket file bound at `path` (the descriptor is closed; the file stays).
inline bool make_socket_file(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return false;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return false;
    const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

}  // namespace lskd::io::testing
