// POSIX file-system steps: errno messages, directory checks, fsync.
#include "framework/io/posix_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

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

void sync(const std::string& path) {
    // Read-only is enough: fsync flushes the file, not the descriptor, and it also opens directories.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("{}: cannot open to sync: {}", path, errno_text(errno));
    int rc = 0;
    do {
        rc = ::fsync(fd);
    } while (rc != 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (rc != 0) fail("{}: cannot sync: {}", path, errno_text(err));
}

}  // namespace lskd::io::posix
