// Strings in datasets and attributes: written as variable-length UTF-8 (h5py's str), read from either
// variable- or fixed-length storage.
#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {
namespace {

bool valid_utf8(std::string_view s) {
    constexpr std::uint32_t kLowest[] = {0, 0, 0x80, 0x800, 0x10000};  // rejects overlong encodings
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t code = 0;
        if ((lead & 0xE0) == 0xC0) {
            length = 2;
            code = lead & 0x1Fu;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            code = lead & 0x0Fu;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            code = lead & 0x07u;
        } else {
            return false;
        }
        if (i + length > s.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(s[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3Fu);
        }
        if (code < kLowest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += length;
    }
    return true;
}

std::vector<std::string> read_variable(hid_t stored, std::int64_t count, std::string_view file_path,
                                       std::string_view what, const std::function<herr_t(hid_t, void*)>& read) {
    Handle mem = checked(H5Tcopy(H5T_C_S1), H5Tclose, file_path, what);
    // Same character set as stored: HDF5 refuses to convert between ASCII and UTF-8.
    const H5T_cset_t cset = H5Tget_cset(stored);
    if (cset < 0 || H5Tset_size(mem.get(), H5T_VARIABLE) < 0 || H5Tset_cset(mem.get(), cset) < 0)
        fail_h5(file_path, fmt::format("cannot read {}", what));
    auto pointers = allocating(file_path, what, count,
                               [&] { return std::vector<char*>(static_cast<std::size_t>(count), nullptr); });
    const herr_t status = read(mem.get(), pointers.data());
    const std::string reason = status < 0 ? innermost_error() : std::string();
    std::vector<std::string> out;
    if (status >= 0) {
        out.reserve(pointers.size());
        for (const char* p : pointers) out.emplace_back(p != nullptr ? p : "");
    }
    // HDF5 allocated every string it read, even when it failed part way.
    const hsize_t n = pointers.size();
    Handle space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, file_path, what);
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, pointers.data());
    if (status < 0) fail("{}: cannot read {}: {}", file_path, what, reason);
    return out;
}

std::vector<std::string> read_fixed(hid_t stored, std::int64_t count, std::string_view file_path,
                                    std::string_view what, const std::function<herr_t(hid_t, void*)>& read) {
    const std::size_t size = H5Tget_size(stored);
    const H5T_str_t pad = H5Tget_strpad(stored);
    if (size == 0 || pad == H5T_STR_ERROR) fail_h5(file_path, fmt::format("cannot read {}", what));
    Handle mem = checked(H5Tcopy(stored), H5Tclose, file_path, what);
    std::size_t total = 0;
    if (__builtin_mul_overflow(static_cast<std::size_t>(count), size, &total))
        fail("{}: {} is too large to read ({} strings of {} bytes)", file_path, what, count, size);
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

Handle utf8_string_type(std::string_view file_path) {
    Handle type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file_path, "cannot make a string type");
    if (H5Tset_size(type.get(), H5T_VARIABLE) < 0 || H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0)
        fail_h5(file_path, "cannot make a string type");
    return type;
}

void check_storable(const std::vector<std::string>& values, std::string_view file_path, std::string_view what) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        // A C string ends at the first NUL, so HDF5 would silently cut the value there.
        if (values[i].find('\0') != std::string::npos)
            fail("{}: string {} for {} contains a NUL byte", file_path, i, what);
        if (!valid_utf8(values[i])) fail("{}: string {} for {} is not valid UTF-8", file_path, i, what);
    }
}

std::vector<std::string> read_string_values(hid_t stored, std::int64_t count, std::string_view file_path,
                                            std::string_view what,
                                            const std::function<herr_t(hid_t, void*)>& read) {
    const H5T_class_t cls = H5Tget_class(stored);
    if (cls != H5T_STRING) fail("{}: {} holds {}, not strings", file_path, what, class_description(cls));
    if (count == 0) return {};  // HDF5 rejects reading into no buffer at all
    const htri_t variable = H5Tis_variable_str(stored);
    if (variable < 0) fail_h5(file_path, fmt::format("cannot read {}", what));
    return variable > 0 ? read_variable(stored, count, file_path, what, read)
                        : read_fixed(stored, count, file_path, what, read);
}

}  // namespace lskd::io::detail
