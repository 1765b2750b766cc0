// H5File: opening, creating and closing files, and the group structure inside them.
#include "framework/io/h5_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/file_kind.hpp"
#include "framework/io/h5_detail.hpp"
#include "framework/io/posix_files.hpp"

namespace lskd::io {
namespace {

using detail::checked;
using detail::fail_h5;
using detail::Handle;
using detail::ObjectKind;
using posix::errno_text;

Handle file_access(const std::string& path) {
    Handle fapl = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, path, "cannot make file access properties");
    // The 1.10 format checksums all of its metadata, chunk indexes included, so damage is reported rather
    // than misread (the 1.8 format's chunk B-trees have no checksum). HDF5 1.10+ and h5py built on it read it.
    if (H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST) < 0 ||
        // Closing the file closes it for real, even if an object id leaked; the atomic rename relies on it.
        H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0 ||
        // Lock where the file system supports it, instead of failing where it does not (some NFS).
        H5Pset_file_locking(fapl.get(), true, true) < 0)
        fail_h5(path, "cannot set file access properties");
    return fapl;
}

// POSIX checks before HDF5 sees the path, whose own messages for these cases are hard to read.
void check_openable(const std::string& path, bool write, const std::string& name) {
    // First: opening a FIFO would block, and a device would be read as the file it is not.
    check_input_file(path, "an HDF5 file");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        fail("{}: cannot open: {}", name, errno == ENOENT ? std::string("no such file") : errno_text(errno));
    const int fd = ::open(path.c_str(), (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) fail("{}: cannot open for {}: {}", name, write ? "writing" : "reading", errno_text(errno));
    ::close(fd);
    if (st.st_size == 0) fail("{}: not an HDF5 file (it is empty)", name);
}

void check_creatable(const std::string& path, const std::string& name) {
    posix::check_directory_of(name);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) fail("{}: cannot create: {}", name, errno_text(errno));
    ::close(fd);
}

}  // namespace

H5File::H5File(std::string path, std::int64_t id, bool writable)
    : path_(std::move(path)), id_(id), writable_(writable) {}

H5File H5File::open_read(const std::string& path) { return open_existing(path, false, path); }

H5File H5File::open_readwrite(const std::string& path, const std::string& shown_as) {
    return open_existing(path, true, shown_as.empty() ? path : shown_as);
}

H5File H5File::open_existing(const std::string& path, bool write, const std::string& name) {
    detail::Session session;
    check_openable(path, write, name);
    Handle fapl = file_access(name);
    // The pre-1.8 format (superblock 0 or 1) has no checksums, and libhdf5 1.10 crashes on some damaged files in
    // it (tests/fuzz/findings), so such a file is read whole in a sandboxed child before this process opens it.
    const std::optional<unsigned> version = detail::superblock_version(path);
    if (version && *version < 2) {
        if (write)
            fail("{}: an HDF5 file in the pre-1.8 format (superblock version {}); lskd writes only into files in the "
                 "format it writes",
                 name, *version);
        detail::check_old_format_file(path, fapl.get(), name);
    }
    const hid_t id = H5Fopen(path.c_str(), write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.get());
    if (id < 0) {
        const std::string reason = detail::innermost_error();
        if (H5Fis_hdf5(path.c_str()) == 0) fail("{}: not an HDF5 file", name);
        H5Eclear2(H5E_DEFAULT);
        fail("{}: cannot open HDF5 file{}: {}", name, write ? " for writing" : "", reason);
    }
    // A file replaced between the look at its superblock and the opening could be one that was never checked.
    H5F_info2_t info{};
    if (H5Fget_info2(id, &info) < 0 || !version || info.super.version != *version) {
        H5Fclose(id);
        H5Eclear2(H5E_DEFAULT);
        fail("{}: the file changed while lskd was opening it", name);
    }
    return H5File(name, id, write);
}

H5File H5File::create(const std::string& path, const std::string& shown_as, bool rewritable) {
    detail::Session session;
    const std::string& name = shown_as.empty() ? path : shown_as;
    check_creatable(path, name);
    Handle fapl = file_access(name);
    Handle fcpl = checked(H5Pcreate(H5P_FILE_CREATE), H5Pclose, name, "cannot make file creation properties");
    // A file rewritten in place keeps its free space on disk, so that every rewrite reuses what the last one freed.
    if (rewritable && H5Pset_file_space_strategy(fcpl.get(), H5F_FSPACE_STRATEGY_FSM_AGGR, true, 1) < 0)
        fail_h5(name, "cannot set file creation properties");
    const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
    if (id < 0) fail_h5(name, "cannot create HDF5 file");
    return H5File(name, id, true);
}

H5File::H5File(H5File&& other) noexcept
    : path_(std::move(other.path_)), id_(other.id_), writable_(other.writable_), rewrite_(std::move(other.rewrite_)) {
    other.id_ = -1;
    other.writable_ = false;
}

H5File& H5File::operator=(H5File&& other) noexcept {
    if (this != &other) {
        H5File previous(std::move(*this));  // closes the file this handle held
        path_ = std::move(other.path_);
        id_ = other.id_;
        writable_ = other.writable_;
        rewrite_ = std::move(other.rewrite_);
        other.id_ = -1;
        other.writable_ = false;
    }
    return *this;
}

H5File::~H5File() {
    if (id_ < 0) return;
    try {
        close();
    } catch (const Error& e) {
        fmt::print(stderr, "lskd: {}\n", e.what());
    }
}

void H5File::flush() {
    detail::Session session;
    require_open();
    if (writable_ && H5Fflush(id_, H5F_SCOPE_GLOBAL) < 0) fail_h5(path_, "cannot flush file");
}

void H5File::close() {
    if (id_ < 0) return;
    detail::Session session;
    const hid_t id = id_;
    id_ = -1;
    writable_ = false;
    if (H5Fclose(id) < 0) fail_h5(path_, "cannot close file, its contents may be incomplete");
}

void H5File::require_open() const {
    if (id_ < 0) fail("{}: file is closed", path_);
}

void H5File::require_writable(std::string_view what, const std::string& object) const {
    require_open();
    if (!writable_) fail("{}: cannot {} '{}': file is open read-only", path_, what, object);
}

bool H5File::has(std::string_view path) const {
    detail::Session session;
    require_open();
    return detail::object_kind(id_, path_, detail::normalize(path)) != ObjectKind::missing;
}

bool H5File::is_group(std::string_view path) const {
    detail::Session session;
    require_open();
    return detail::object_kind(id_, path_, detail::normalize(path)) == ObjectKind::group;
}

bool H5File::is_dataset(std::string_view path) const {
    detail::Session session;
    require_open();
    return detail::object_kind(id_, path_, detail::normalize(path)) == ObjectKind::dataset;
}

std::vector<std::string> H5File::children(std::string_view group) const {
    detail::Session session;
    require_open();
    const std::string path = detail::normalize(group);
    const ObjectKind kind = detail::object_kind(id_, path_, path);
    if (kind == ObjectKind::missing) fail("{}: no group '{}'", path_, path);
    if (kind != ObjectKind::group) fail("{}: '{}' is not a group", path_, path);
    Handle g =
        checked(H5Gopen2(id_, path.c_str(), H5P_DEFAULT), H5Gclose, path_, fmt::format("cannot open group '{}'", path));
    std::vector<std::string> names;
    const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
    };
    if (H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) < 0)
        fail_h5(path_, fmt::format("cannot list group '{}'", path));
    std::sort(names.begin(), names.end());  // the index is already sorted; this makes it a promise
    return names;
}

void H5File::create_group(std::string_view group) {
    detail::Session session;
    const std::string path = detail::normalize(group);
    require_writable("create group", path);
    const ObjectKind kind = detail::object_kind(id_, path_, path);
    note_written(path);
    if (kind == ObjectKind::group) return;
    if (kind != ObjectKind::missing && !rewrite_) fail("{}: cannot create group '{}': a dataset is there", path_, path);
    if (kind != ObjectKind::missing) remove(path);  // a rewrite writes the file anew
    const std::string what = fmt::format("cannot create group '{}'", path);
    Handle lcpl = checked(H5Pcreate(H5P_LINK_CREATE), H5Pclose, path_, what);
    if (H5Pset_create_intermediate_group(lcpl.get(), 1) < 0) fail_h5(path_, what);
    checked(H5Gcreate2(id_, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose, path_, what);
}

void H5File::copy_from(const H5File& source, std::string_view object) { copy_from(source, object, object); }

void H5File::copy_from(const H5File& source, std::string_view object, std::string_view destination) {
    detail::Session session;
    const std::string path = detail::normalize(object), target = detail::normalize(destination);
    require_writable("copy into", target);
    source.require_open();
    if (path == "/" || target == "/") fail("{}: cannot copy the root group of '{}'", path_, source.path_);
    const ObjectKind kind = detail::object_kind(source.id_, source.path_, path);
    if (kind == ObjectKind::missing) fail("{}: no object '{}'", source.path_, path);
    if (detail::object_kind(id_, path_, target) != ObjectKind::missing)
        fail("{}: cannot copy '{}' from '{}': an object is there", path_, target, source.path_);
    const std::string what = fmt::format("cannot copy '{}' from '{}' to '{}'", path, source.path_, target);
    Handle lcpl = checked(H5Pcreate(H5P_LINK_CREATE), H5Pclose, path_, what);
    if (H5Pset_create_intermediate_group(lcpl.get(), 1) < 0) fail_h5(path_, what);
    if (H5Ocopy(source.id_, path.c_str(), id_, target.c_str(), H5P_DEFAULT, lcpl.get()) < 0) fail_h5(path_, what);
}

void H5File::remove(std::string_view object) {
    detail::Session session;
    const std::string path = detail::normalize(object);
    require_writable("remove", path);
    if (path == "/") fail("{}: cannot remove the root group", path_);
    if (detail::object_kind(id_, path_, path) == ObjectKind::missing) fail("{}: no object '{}'", path_, path);
    if (H5Ldelete(id_, path.c_str(), H5P_DEFAULT) < 0) fail_h5(path_, fmt::format("cannot remove '{}'", path));
}

}  // namespace lskd::io
