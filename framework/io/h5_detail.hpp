// Internals shared by the lskd::io sources (not part of the API): owned HDF5 ids, the session guard every
// entry point takes, error capture from HDF5's stack, path spelling, and the element types lskd stores.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <hdf5.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"

namespace lskd::io::detail {

static_assert(sizeof(hid_t) == sizeof(std::int64_t), "H5File keeps its hid_t in an int64");

// Taken by every public function for its whole duration. It keeps the error stack untouched between a
// failing call and its capture (other threads' calls would otherwise clear it on a build without
// thread safety), and turns off HDF5's printing of errors on this thread, which is a per-thread setting.
class Session {
public:
    Session();

private:
    std::lock_guard<std::recursive_mutex> lock_;
};

// HDF5's most specific error description on this thread's stack, then clears the stack. Must run right
// after the failing call: any later HDF5 API call resets the stack.
std::string innermost_error();

// Throws "<file>: <what>: <innermost HDF5 error>".
[[noreturn]] void fail_h5(std::string_view file, std::string_view what);

// An owned HDF5 id, closed by its close function when it goes out of scope.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
    Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
    Handle& operator=(Handle&& other) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle();

    hid_t get() const { return id_; }
    // Closes now and reports failure: closing a dataset flushes its chunk cache to the file, so this
    // is where a full disk can surface.
    herr_t close();

private:
    hid_t id_ = -1;
    Closer closer_ = nullptr;
};

// Owns `id`, the result of an HDF5 call, or throws "<file>: <what>: <reason>" when that call failed.
Handle checked(hid_t id, Handle::Closer closer, std::string_view file, std::string_view what);

// "/a/b" for "a/b", "/a/b/" and "//a//b"; "/" for "" and "/".
std::string normalize(std::string_view path);

enum class ObjectKind { missing, group, dataset, other };
// What `path` (normalized) names in the file: follows each component, so a missing intermediate group,
// a dataset used as a group and a dangling link all read as missing rather than failing.
ObjectKind object_kind(hid_t file, std::string_view file_path, const std::string& path);

// The extent of a dataset or attribute: its dims (empty for a scalar) and element count.
struct Extent {
    Dims dims;
    std::int64_t count = 1;
};
Extent extent_of(hid_t space, std::string_view file_path, std::string_view what);
// Element count of `dims`, failing on negative sizes and on overflow.
std::int64_t element_count(const Dims& dims, std::string_view file_path, std::string_view what);
// A scalar dataspace for empty dims, a simple one otherwise.
Handle make_space(const Dims& dims, std::string_view file_path, std::string_view what);

// Chunk shape for a dataset: whole trailing rows, and the split dim cut into equal chunks of at most about
// 1 MiB, so the last chunk is not mostly padding.
Dims chunk_shape(const Dims& dims, std::size_t element_bytes);
// Creation properties for a dataset of `dims` and stored `type`: chunked, each chunk a zlib stream (deflated
// if `storage` is compressed, stored at level 0 otherwise) with a Fletcher-32; contiguous for a scalar or a
// dataset with no elements, which cannot be chunked.
Handle dataset_properties(const Dims& dims, hid_t type, Storage storage, std::string_view file_path,
                          std::string_view what);

// Plural description of an HDF5 type class for messages: "strings", "integers", "compound values", ...
std::string_view class_description(H5T_class_t cls);

template <Element T>
hid_t memory_type();
template <Element T>
hid_t file_type();
// "float32", "int64", ... for messages.
template <Element T>
std::string_view type_name();

// Runs `allocate` for `count` elements, turning a failed allocation into an Error: a damaged file can
// claim any size.
template <typename F>
auto allocating(std::string_view file_path, std::string_view what, std::int64_t count, F&& allocate) {
    try {
        // 16 bytes bounds every element type read here, so byte counts below cannot overflow.
        if (count <= PTRDIFF_MAX / 16) return allocate();
    } catch (const std::bad_alloc&) {
    } catch (const std::length_error&) {
    }
    fail("{}: {} is too large to read ({} elements)", file_path, what, count);
}

// Strings are stored fixed-length: reading variable-length ones runs libhdf5's global-heap code, which a
// damaged file sends into an endless loop or far past its buffers (tests/fuzz/findings). One string holds
// at most kMaxStringBytes; one read of an attribute or a string dataset allocates at most the cap given to
// read_string_values, since a damaged file can claim any size.
inline constexpr std::size_t kMaxStringBytes = std::size_t{1} << 20;
inline constexpr std::size_t kMaxAttributeBytes = std::size_t{16} << 20;
inline constexpr std::size_t kMaxStringDatasetBytes = std::size_t{256} << 20;

// Values ready to write: a fixed-length, NUL-padded UTF-8 type as long as the longest value (at least one
// byte, HDF5's minimum) and the values packed at that stride.
struct FixedStrings {
    Handle type;
    std::vector<char> bytes;
};
// Throws unless every value can be stored and read back by lskd and h5py: no NUL bytes (NUL pads the
// values), valid UTF-8, at most kMaxStringBytes.
FixedStrings fixed_strings(const std::vector<std::string>& values, std::string_view file_path, std::string_view what);
// Reads `count` strings of stored type `stored` with `read(mem_type, buffer)`, which wraps H5Dread or
// H5Aread and returns its status. Refuses, before reading, anything but fixed-length strings and more
// than `max_bytes` in all.
std::vector<std::string> read_string_values(hid_t stored, std::int64_t count, std::size_t max_bytes,
                                            std::string_view file_path, std::string_view what,
                                            const std::function<herr_t(hid_t, void*)>& read);

// The version of the superblock libhdf5 would find in `path` (at byte 0, 512, 1024, 2048, ...), read without
// libhdf5; nullopt when there is none. Below 2 is the pre-1.8 format.
std::optional<unsigned> superblock_version(const std::string& path);

// Reads every object of the pre-1.8 file `path` in a sandboxed child (h5_old_format.hpp), opening it with `fapl`;
// throws an Error naming `shown_as` unless all of it read. The caller holds a Session.
void check_old_format_file(const std::string& path, hid_t fapl, const std::string& shown_as);

// The check's reading, run in the child: opens `path` with `fapl` and reads every group's links, every object's
// attributes and every dataset's values that lskd's readers could read. Throws an Error naming `shown_as` when
// libhdf5 fails, std::bad_alloc when it runs out of memory.
void read_every_object(const std::string& path, hid_t fapl, std::string_view shown_as);

}  // namespace lskd::io::detail

namespace lskd::io {

// What a rewrite (H5File::open_for_rewrite) has written so far: objects by path, attributes by object and name.
struct H5File::Rewrite {
    std::set<std::string> objects{"/"};
    std::set<std::pair<std::string, std::string>> attributes;
};

}  // namespace lskd::io
