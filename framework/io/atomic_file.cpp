// AtomicFile: temporary file, checked close, fsync, rename, directory fsync.
#include "framework/io/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
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

// Claims the temporary name `temp` for `path`; releases it and deletes the file if the start fails.
template <typename Start>
AtomicFile start(const std::string& path, const std::string& temp, Start&& begin) {
    TempNames::claim(path, temp);
    try {
        return begin();
    } catch (...) {
        ::unlink(temp.c_str());
        TempNames::release(temp);
        throw;
    }
}

}  // namespace

std::string temporary_name(const std::string& path) { return fmt::format("{}.tmp.{}", path, ::getpid()); }

void move_into_place(const std::string& temp, const std::string& path, bool exchange) {
    posix::sync(temp, path);
    const bool exchanged = exchange &&
                           ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0;
    if (!exchanged && std::rename(temp.c_str(), path.c_str()) != 0)
        fail("{}: cannot move into place: {}", path, posix::errno_text(errno));
    posix::sync(posix::directory_of(path));
}

AtomicFile::AtomicFile(std::string path, std::string temp, H5File file, bool exchange)
    : path_(std::move(path)), temp_(std::move(temp)), file_(std::move(file)), exchange_(exchange) {}

AtomicFile AtomicFile::create(const std::string& path) {
    check_replaceable(path);
    posix::check_directory_of(path);
    const std::string temp = temporary_name(path);
    return start(path, temp, [&] { return AtomicFile(path, temp, H5File::create(temp, path)); });
}

AtomicFile AtomicFile::update(const std::string& path) {
    // Open the original first, so a missing or broken file is reported under its own name.
    H5File::open_read(path).close();
    check_replaceable(path);
    const std::string temp = temporary_name(path);
    return start(path, temp, [&] {
        posix::copy_file(path, temp, path);
        return AtomicFile(path, temp, H5File::open_readwrite(temp, path));
    });
}

AtomicFile AtomicFile::recycle(const std::string& path, const std::string& spare, bool final) {
    check_replaceable(path);
    check_replaceable(spare);
    posix::check_directory_of(path);
    std::error_code ec;
    // The first write has nothing to swap with: it goes under the temporary name, which, unlike a spare, the next
    // writer's lock deletes if this one dies, so a run killed in its first write leaves nothing behind.
    if (!std::filesystem::exists(path, ec)) {
        const std::string temp = temporary_name(path);
        return start(path, temp, [&] { return AtomicFile(path, temp, H5File::create(temp, path, true)); });
    }
    return start(path, spare, [&] {
        if (std::filesystem::exists(spare, ec)) {
            try {
                return AtomicFile(path, spare, H5File::open_for_rewrite(spare, path), !final);
            } catch (const Error&) {
                // A spare a killed writer left half written, one a reader still holds (HDF5's lock refuses the
                // rewrite), or any other file: unlinked, so such a reader keeps its file, and written anew.
                ::unlink(spare.c_str());
            }
        }
        return AtomicFile(path, spare, H5File::create(spare, path, true), !final);
    });
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      file_(std::move(other.file_)),
      pending_(other.pending_),
      exchange_(other.exchange_) {
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

void AtomicFile::finish() {
    if (!pending_) fail("{}: already committed", path_);
    if (file_.rewriting()) file_.prune_unwritten();
    file_.close();
}

void AtomicFile::commit() {
    finish();
    move_into_place(temp_, path_, exchange_);
    pending_ = false;
    TempNames::release(temp_);
}

void AtomicFile::hand_over() {
    finish();
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
