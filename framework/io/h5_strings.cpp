// Strings in datasets and attributes: written and read as fixed-length UTF-8. Variable-length strings (h5py's
// default for str) are refused before any read, so libhdf5's global-heap code never runs on a file.
#include <algorithm>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/core/utf8.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {
namespace {

std::vector<std::string> read_fixed(hid_t stored, std::int64_t count, std::size_t max_bytes, std::string_view file_path,
                                    std::string_view what, const std::function<herr_t(hid_t, void*)>& read) {
    const std::size_t size = H5Tget_size(stored);
    const H5T_str_t pad = H5Tget_strpad(stored);
    if (size == 0 || pad == H5T_STR_ERROR) fail_h5(file_path, fmt::format("cannot read {}", what));
    if (size > kMaxStringBytes)
        fail("{}: {} claims strings of {} bytes, above lskd's limit of {}", file_path, what, size, kMaxStringBytes);
    std::size_t total = 0;
    if (__builtin_mul_overflow(static_cast<std::size_t>(count), size, &total) || total > max_bytes)
        fail("{}: {} is too large to read ({} strings of {} bytes, above lskd's limit of {} bytes)", file_path, what,
             count, size, max_bytes);
    Handle mem = checked(H5Tcopy(stored), H5Tclose, file_path, what);
    auto bytes = allocating(file_path, what, count, [&] { return std::vector<char>(total); });
    if (read(mem.get(), bytes.data()) < 0) fail_h5(file_path, fmt::format("cannot read {}", what));
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
        std::string_view s(bytes.data() + i * size, size);
        if (pad == H5T_STR_SPACEPAD) {
            s = s.substr(0, s.find_last_not_of(' ') + 1);
        } else {
            s = s.substr(0, s.find('\0'));
        }
        out.emplace_back(s);
    }
    return out;
}

}  // namespace

FixedStrings fixed_strings(const std::vector<std::string>& values, std::string_view file_path, std::string_view what) {
    std::size_t size = 1;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i].find('\0') != std::string::npos)
            fail("{}: string {} for {} contains a NUL byte", file_path, i, what);
        if (!valid_utf8(values[i])) fail("{}: string {} for {} is not valid UTF-8", file_path, i, what);
        if (values[i].size() > kMaxStringBytes)
            fail("{}: string {} for {} has {} bytes, above lskd's limit of {}", file_path, i, what, values[i].size(),
                 kMaxStringBytes);
        size = std::max(size, values[i].size());
    }
    FixedStrings out;
    out.type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file_path, "cannot make a string type");
    if (H5Tset_size(out.type.get(), size) < 0 || H5Tset_cset(out.type.get(), H5T_CSET_UTF8) < 0 ||
        H5Tset_strpad(out.type.get(), H5T_STR_NULLPAD) < 0)
        fail_h5(file_path, "cannot make a string type");
    out.bytes.assign(values.size() * size, '\0');
    for (std::size_t i = 0; i < values.size(); ++i) values[i].copy(out.bytes.data() + i * size, values[i].size());
    return out;
}

std::vector<std::string> read_string_values(hid_t stored, std::int64_t count, std::size_t max_bytes,
                                            std::string_view file_path, std::string_view what,
                                            const std::function<herr_t(hid_t, void*)>& read) {
    const H5T_class_t cls = H5Tget_class(stored);
    if (cls != H5T_STRING) fail("{}: {} holds {}, not strings", file_path, what, class_description(cls));
    const htri_t variable = H5Tis_variable_str(stored);
    if (variable < 0) fail_h5(file_path, fmt::format("cannot read {}", what));
    if (variable > 0)
        fail("{}: {} is a variable-length string; lskd writes fixed-length strings and reads no others (is this "
             "a file from another program, or from an older lskd?)",
             file_path, what);
    if (count == 0) return {};  // HDF5 rejects reading into no buffer at all
    return read_fixed(stored, count, max_bytes, file_path, what, read);
}

}  // namespace lskd::io::detail
