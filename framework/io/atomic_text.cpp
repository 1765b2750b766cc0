// write_text_atomic: the text counterpart of io::atomic_write, with the same temporary name, fsync and rename.
#include "framework/io/atomic_text.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "framework/core/error.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/io/posix_files.hpp"

namespace lskd::io {

std::string write_text_temporary(const std::string& path, std::string_view text) {
    check_replaceable(path);
    posix::check_directory_of(path);
    const std::string temp = temporary_name(path);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("{}: cannot create: {}", path, posix::errno_text(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            fail("{}: cannot write: {}", path, posix::errno_text(err));
        }
        written += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        fail("{}: cannot write: {}", path, posix::errno_text(err));
    }
    return temp;
}

void write_text_atomic(const std::string& path, std::string_view text) {
    const std::string temp = write_text_temporary(path, text);
    try {
        move_into_place(temp, path);
    } catch (const Error&) {
        ::unlink(temp.c_str());
        throw;
    }
}

}  // namespace lskd::io
