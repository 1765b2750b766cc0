// AtomicFile: temporary file, checked close, fsync, rename, directory fsync.
#include "framework/io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/output_policy.hpp"
#include "framework/io/posix_files.hpp"

namespace lskd::io {
namespace {

// Temporary names held by live AtomicFiles of this process. Two writers of one target in one process
// would share a temporary name and the loser's cleanup would delete the winner's file, so the second
// one is refused instead.
class TempNames {
public:
    static void claim(const std::string& path, const std::string& temp) {
        std::lock_guard lock(mutex());
        if (!names().insert(temp).second) fail("{}: is already being written by this process", path);
    }
    static void release(const std::string& temp) {
        std::lock_guard lock(mutex());
        names().erase(temp);
    }

private:
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
    static std::set<std::string>& names() {
        static std::set<std::string> s;
        return s;
    }
};

// Claims the temporary name for `path`; releases it and deletes the file if the start fails.
template <typename Start>
AtomicFile start(const std::string& path, Start&& begin) {
    const std::string temp = temporary_name(path);
    TempNames::claim(path, temp);
    try {
        return begin(temp);
    } catch (...) {
        ::unlink(temp.c_str());
        TempNames::release(temp);
        throw;
    }
}

}  // namespace

std::string temporary_name(const std::string& path) { return fmt::format("{}.tmp.{}", path, ::getpid()); }

void move_into_place(const std::string& temp, const std::string& path) {
    posix::sync(temp, path);
    if (std::rename(temp.c_str(), path.c_str()) != 0)
        fail("{}: cannot move into place: {}", path, posix::errno_text(errno));
    posix::sync(posix::directory_of(path));
}

AtomicFile::AtomicFile(std::string path, std::string temp, H5File file)
    : path_(std::move(path)), temp_(std::move(temp)), file_(std::move(file)) {}

AtomicFile AtomicFile::create(const std::string& path) {
    check_replaceable(path);
    posix::check_directory_of(path);
    return start(path, [&](const std::string& temp) { return AtomicFile(path, temp, H5File::create(temp, path)); });
}

AtomicFile AtomicFile::update(const std::string& path) {
    // Open the original first, so a missing or broken file is reported under its own name.
    H5File::open_read(path).close();
    check_replaceable(path);
    return start(path, [&](const std::string& temp) {
        posix::copy_file(path, temp, path);
        return AtomicFile(path, temp, H5File::open_readwrite(temp, path));
    });
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      file_(std::move(other.file_)),
      pending_(other.pending_) {
    other.pending_ = false;
}

AtomicFile::~AtomicFile() {
    if (!pending_) return;
    try {
        file_.close();
    } catch (const Error&) {
        // Already failing, and the file is deleted next: its close error adds nothing.
    }
    ::unlink(temp_.c_str());
    TempNames::release(temp_);
}

void AtomicFile::commit() {
    if (!pending_) fail("{}: already committed", path_);
    file_.close();
    move_into_place(temp_, path_);
    pending_ = false;
    TempNames::release(temp_);
}

void AtomicFile::hand_over() {
    if (!pending_) fail("{}: already committed", path_);
    file_.close();
    pending_ = false;
}

void release_temporary_name(const std::string& temp) { TempNames::release(temp); }

void atomic_write(const std::string& path, const std::function<void(H5File&)>& fill) {
    AtomicFile out = AtomicFile::create(path);
    fill(out.file());
    out.commit();
}

void update_atomic(const std::string& path, const std::function<void(H5File&)>& edit) {
    AtomicFile out = AtomicFile::update(path);
    edit(out.file());
    out.commit();
}

}  // namespace lskd::io
