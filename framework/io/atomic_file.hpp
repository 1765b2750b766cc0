// lskd::io::AtomicFile: builds an HDF5 file under a temporary name beside its target and renames it over
// the target only once it is complete and on disk, so readers see the old file or the new one, never half. A
// target that exists and is not a regular file (a device, a symbolic link) is refused (io::check_replaceable).
#pragma once
#include <functional>
#include <string>

#include "framework/io/h5_file.hpp"

namespace lskd::io {

class AtomicFile {
public:
    // Starts an empty file at "<path>.tmp.<pid>".
    static AtomicFile create(const std::string& path);
    // Starts from a copy of the existing HDF5 file at `path`, which stays untouched until commit().
    static AtomicFile update(const std::string& path);
    // For a file rewritten again and again (a run's checkpoint): writes into `spare` in place
    // (H5File::open_for_rewrite) if it is a file lskd can open for writing, or into a new file there, and at the
    // commit exchanges the names of `spare` and `path`, so that the old `path` is the next rewrite's spare (while
    // `path` does not exist yet, it is create()'s temporary file and a rename, with nothing to swap). Reusing
    // the spare's blocks costs a fraction of allocating a new file's (docs/run-file.md, "The checkpoint's spare").
    // The `final` version is renamed over `path` instead, so that no spare remains once it is in place.
    static AtomicFile recycle(const std::string& path, const std::string& spare, bool final = false);

    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&&) = delete;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    // Without a commit(), closes and deletes the temporary file; the target is left as it was.
    ~AtomicFile();

    H5File& file() { return file_; }
    const std::string& path() const { return path_; }
    const std::string& temp_path() const { return temp_; }
    // Whether the commit exchanges the two names (recycle) rather than renaming over the target.
    bool exchanges() const { return exchange_; }

    // Closes the file (checking the close: a full disk may first show there), fsyncs it, renames it over
    // the target and fsyncs the directory so the rename itself survives a crash. If it throws before the
    // rename, the temporary file is deleted and the target is untouched.
    void commit();
    // Closes the file (checking the close) and gives up its temporary file without moving it: the caller (a
    // BackgroundCommits) now moves it into place and then calls release_temporary_name.
    void hand_over();

private:
    AtomicFile(std::string path, std::string temp, H5File file, bool exchange = false);
    // Closes the file, pruned of what a rewrite did not write.
    void finish();

    std::string path_;
    std::string temp_;
    H5File file_;
    bool pending_ = true;  // the temporary file still exists and is ours to delete
    bool exchange_ = false;
};

// The temporary name under which this process builds `path`: "<path>.tmp.<pid>", beside it so that the rename stays
// on one file system, and deleted by the next writer's lock (FileLock) if this process dies before the rename.
std::string temporary_name(const std::string& path);
// Puts the finished file `temp` (closed) in the place of `path`: fsyncs it, renames it over `path` and fsyncs the
// directory so the rename itself survives a crash. Errors name `path`; `temp` is left for the caller to delete.
// `exchange`: the two names are swapped in one step (renameat2's RENAME_EXCHANGE), so the old `path` stays as `temp`;
// where `path` does not exist or the file system cannot swap, it is a rename.
void move_into_place(const std::string& temp, const std::string& path, bool exchange = false);

// Lets this process start another temporary file of the same name (one handed over has been moved or deleted).
void release_temporary_name(const std::string& temp);

// Writes a new file at `path` with `fill`; `path` keeps its old contents if anything throws.
void atomic_write(const std::string& path, const std::function<void(H5File&)>& fill);
// Applies `edit` to a copy of the HDF5 file at `path` and puts the copy in its place; `path` keeps its old
// contents if anything throws. The copy costs the file's size in I/O.
void update_atomic(const std::string& path, const std::function<void(H5File&)>& edit);

}  // namespace lskd::io
