// Reading every object of a file once, for the check of pre-1.8 files in a child process (h5_old_format.cpp): the
// links of every group, listed and looked up by name, every object's attributes, and every dataset's storage and
// values, through the same libhdf5 code that H5File's readers run. Only HDF5's own failures refuse a file: what
// lskd's readers would refuse (a variable-length string, an oversized string) is left to them, unread.
#include <algorithm>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {
namespace {

// The values one H5Dread call of the check reads at most.
constexpr std::size_t kSlabBytes = std::size_t{16} << 20;

herr_t note_allocation_failure(unsigned, const H5E_error2_t* err, void* found) {
    if (err->min_num == H5E_CANTALLOC || err->min_num == H5E_NOSPACE) *static_cast<bool*>(found) = true;
    return 0;
}

// In the checking child an allocation HDF5 could not make is the memory limit, which the parent reports as such
// (std::bad_alloc), not as damage.
[[noreturn]] void fail_read(std::string_view file, std::string_view what) {
    bool no_memory = false;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, note_allocation_failure, &no_memory);
    if (no_memory) {
        H5Eclear2(H5E_DEFAULT);
        throw std::bad_alloc();
    }
    fail_h5(file, what);
}

Handle opened(hid_t id, Handle::Closer closer, std::string_view file, std::string_view what) {
    if (id < 0) fail_read(file, what);
    return Handle(id, closer);
}

// The type values of `stored` are read into, or an empty Handle for values lskd's readers never read: they read
// numbers and fixed-length strings up to kMaxStringBytes each.
Handle value_type(hid_t stored) {
    switch (H5Tget_class(stored)) {
        case H5T_INTEGER:
        case H5T_FLOAT: return Handle(H5Tget_native_type(stored, H5T_DIR_ASCEND), H5Tclose);
        case H5T_STRING:
            if (H5Tis_variable_str(stored) != 0 || H5Tget_size(stored) > kMaxStringBytes) return {};
            return Handle(H5Tcopy(stored), H5Tclose);
        default: return {};
    }
}

// The dims of a simple dataspace; nullopt for a null or unreadable one, or a size no reader would allocate.
std::optional<std::vector<hsize_t>> simple_dims(hid_t space, std::size_t element_bytes) {
    if (H5Sget_simple_extent_type(space) == H5S_NULL) return std::nullopt;
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0) return std::nullopt;
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0) return std::nullopt;
    std::size_t bytes = element_bytes;
    for (const hsize_t d : dims)
        if (__builtin_mul_overflow(bytes, d, &bytes)) return std::nullopt;
    return dims;
}

class FileReader {
public:
    FileReader(hid_t file, std::string_view name) : file_(file), name_(name) {}

    void object(const std::string& path) {
        H5O_info_t info;
        if (H5Oget_info_by_name2(file_, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
            fail_read(name_, fmt::format("cannot inspect '{}'", path));
        if (!seen_.insert(info.addr).second) return;  // a second link to an object already read, or a cycle
        Handle object =
            opened(H5Oopen(file_, path.c_str(), H5P_DEFAULT), H5Oclose, name_, fmt::format("cannot open '{}'", path));
        attributes(object.get(), path);
        if (info.type == H5O_TYPE_GROUP) links(object.get(), path);
        if (info.type == H5O_TYPE_DATASET) dataset(object.get(), path);
    }

private:
    void links(hid_t group, const std::string& path) {
        std::vector<std::pair<std::string, H5L_type_t>> links;
        const auto collect = [](hid_t, const char* name, const H5L_info_t* info, void* out) -> herr_t {
            static_cast<decltype(links)*>(out)->emplace_back(name, info->type);
            return 0;
        };
        if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &links) < 0)
            fail_read(name_, fmt::format("cannot list group '{}'", path));
        for (const auto& [name, type] : links) {
            const std::string child = path == "/" ? "/" + name : path + "/" + name;
            // The readers look links up by name, which searches the group's index instead of walking it.
            const htri_t found = H5Lexists(file_, child.c_str(), H5P_DEFAULT);
            if (found < 0) fail_read(name_, fmt::format("cannot look up '{}'", child));
            if (found == 0) fail("{}: group '{}' lists '{}', which cannot be looked up", name_, path, name);
            // External links lead to other files, which lskd's readers never ask for.
            if (type != H5L_TYPE_HARD && type != H5L_TYPE_SOFT) continue;
            const htri_t target = H5Oexists_by_name(file_, child.c_str(), H5P_DEFAULT);
            if (target < 0) fail_read(name_, fmt::format("cannot resolve '{}'", child));
            if (target > 0) object(child);
        }
    }

    void attributes(hid_t object, const std::string& path) {
        std::vector<std::string> names;
        const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
            static_cast<std::vector<std::string>*>(out)->emplace_back(name);
            return 0;
        };
        if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) < 0)
            fail_read(name_, fmt::format("cannot list the attributes of '{}'", path));
        for (const std::string& name : names) {
            const std::string what = fmt::format("attribute '{}' of '{}'", name, path);
            Handle attr = opened(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, name_, "cannot open " + what);
            Handle stored = opened(H5Aget_type(attr.get()), H5Tclose, name_, "cannot read the type of " + what);
            Handle space = opened(H5Aget_space(attr.get()), H5Sclose, name_, "cannot read the shape of " + what);
            const Handle memory = value_type(stored.get());
            if (memory.get() < 0) continue;
            const std::size_t element = H5Tget_size(memory.get());
            const auto dims = simple_dims(space.get(), element);
            if (!dims) continue;
            std::size_t bytes = element;
            for (const hsize_t d : *dims) bytes *= d;
            if (bytes > kMaxAttributeBytes) continue;  // the readers refuse it unread
            std::vector<unsigned char> values(bytes);
            if (H5Aread(attr.get(), memory.get(), values.data()) < 0) fail_read(name_, "cannot read " + what);
        }
    }

    void dataset(hid_t dataset, const std::string& path) {
        const std::string what = fmt::format("dataset '{}'", path);
        Handle stored = opened(H5Dget_type(dataset), H5Tclose, name_, "cannot read the type of " + what);
        Handle space = opened(H5Dget_space(dataset), H5Sclose, name_, "cannot read the shape of " + what);
        Handle plist = opened(H5Dget_create_plist(dataset), H5Pclose, name_, "cannot read the storage of " + what);
        if (H5Pget_nfilters(plist.get()) < 0) fail_read(name_, "cannot read the filters of " + what);
        const Handle memory = value_type(stored.get());
        if (memory.get() < 0) return;
        const auto dims = simple_dims(space.get(), H5Tget_size(memory.get()));
        if (dims) read_values(dataset, space.get(), memory.get(), *dims, what);
    }

    // Reads every value, a slab of whole rows at a time, so that the check needs little more memory than libhdf5.
    void read_values(hid_t dataset, hid_t space, hid_t memory, const std::vector<hsize_t>& dims,
                     const std::string& what) {
        std::size_t row = H5Tget_size(memory);
        for (std::size_t i = 1; i < dims.size(); ++i) row *= dims[i];
        const hsize_t rows = dims.empty() ? 1 : dims[0];
        if (rows == 0 || row == 0) return;
        const hsize_t per_slab = std::min<hsize_t>(rows, std::max<std::size_t>(1, kSlabBytes / row));
        std::vector<unsigned char> buffer(per_slab * row);
        if (dims.empty()) {
            if (H5Dread(dataset, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
                fail_read(name_, "cannot read " + what);
            return;
        }
        std::vector<hsize_t> start(dims.size(), 0), count = dims;
        for (hsize_t first = 0; first < rows; first += per_slab) {
            start[0] = first;
            count[0] = std::min(per_slab, rows - first);
            if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)
                fail_read(name_, "cannot select rows of " + what);
            Handle slab = opened(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose,
                                 name_, "cannot read " + what);
            if (H5Dread(dataset, memory, slab.get(), space, H5P_DEFAULT, buffer.data()) < 0)
                fail_read(name_, fmt::format("cannot read rows {} to {} of {}", first, first + count[0] - 1, what));
        }
    }

    hid_t file_;
    std::string_view name_;
    std::set<haddr_t> seen_;
};

}  // namespace

void read_every_object(const std::string& path, hid_t fapl, std::string_view shown_as) {
    const Handle file =
        opened(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl), H5Fclose, shown_as, "cannot open HDF5 file");
    FileReader(file.get(), shown_as).object("/");
}

}  // namespace lskd::io::detail
