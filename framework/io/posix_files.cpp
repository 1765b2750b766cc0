// POSIX file-system steps: errno messages, directory checks, fsync.
#include "framework/io/posix_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "framework/core/error.hpp"

namespace lskd::io::posix {

std::string errno_text(int err) { return std::generic_category().message(err); }

std::string directory_of(const std::string& path) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    return dir.empty() ? std::string(".") : dir;
}

void check_directory_of(const std::string& path) {
    const std::string dir = directory_of(path);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        fail("{}: cannot create: directory '{}' {}", path, dir,
             errno == ENOENT ? std::string("does not exist") : errno_text(errno));
    if (!S_ISDIR(st.st_mode)) fail("{}: cannot create: '{}' is not a directory", path, dir);
}

void copy_file(const std::string& from, const std::string& to, const std::string& shown_as) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) fail("{}: cannot copy: {}", shown_as, errno_text(errno));
    struct stat st {};
    const int out = ::fstat(in, &st) == 0 ? ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    // The copy replaces the file: it keeps its permissions.
    if (out < 0 || ::fchmod(out, st.st_mode & 07777) != 0) {
        const int err = errno;
        ::close(in);
        if (out >= 0) ::close(out);
        fail("{}: cannot copy: {}", shown_as, errno_text(err));
    }
    std::vector<char> buffer(1 << 20);
    int err = 0;
    for (;;) {
        const ssize_t n = ::read(in, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n < 0) err = errno;
            break;
        }
        for (ssize_t done = 0; done < n && err == 0;) {
            const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0)
                err = errno;
            else
                done += w;
        }
        if (err != 0) break;
    }
    ::close(in);
    if (::close(out) != 0 && err == 0) err = errno;
    if (err != 0) fail("{}: cannot copy: {}", shown_as, errno_text(err));
}

void sync(const std::string& path, const std::string& shown_as) {
    const std::string& name = shown_as.empty() ? path : shown_as;
    // Read-only is enough: fsync flushes the file, not the descriptor, and it also opens directories.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("{}: cannot open to sync: {}", name, errno_text(errno));
    int rc = 0;
    do {
        rc = ::fsync(fd);
    } while (rc != 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (rc != 0) fail("{}: cannot sync: {}", name, errno_text(err));
}

}  // namespace lskd::io::posix
