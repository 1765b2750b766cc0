// Object paths inside a file: one spelling for every path, and what a path names.
#include <algorithm>

#include <fmt/format.h>

#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {

std::string normalize(std::string_view path) {
    std::string out;
    std::size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/') ++i;
        const std::size_t end = std::min(path.find('/', i), path.size());
        if (end > i) {
            out += '/';
            out.append(path.substr(i, end - i));
        }
        i = end;
    }
    return out.empty() ? std::string("/") : out;
}

ObjectKind object_kind(hid_t file, std::string_view file_path, const std::string& path) {
    if (path == "/") return ObjectKind::group;
    // H5Lexists on "a/b" fails outright when "a" is missing or is a dataset, so each step is checked
    // from the root down.
    std::size_t start = 1;
    while (true) {
        const std::size_t next = path.find('/', start);
        const std::string prefix = path.substr(0, next);
        const htri_t link = H5Lexists(file, prefix.c_str(), H5P_DEFAULT);
        if (link < 0) fail_h5(file_path, fmt::format("cannot look up '{}'", prefix));
        if (link == 0) return ObjectKind::missing;
        const htri_t target = H5Oexists_by_name(file, prefix.c_str(), H5P_DEFAULT);
        if (target < 0) fail_h5(file_path, fmt::format("cannot resolve '{}'", prefix));
        if (target == 0) return ObjectKind::missing;  // a dangling soft link
        H5O_info_t info;
        if (H5Oget_info_by_name2(file, prefix.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
            fail_h5(file_path, fmt::format("cannot inspect '{}'", prefix));
        const ObjectKind kind = info.type == H5O_TYPE_GROUP     ? ObjectKind::group
                                : info.type == H5O_TYPE_DATASET ? ObjectKind::dataset
                                                                : ObjectKind::other;
        if (next == std::string::npos) return kind;
        if (kind != ObjectKind::group) return ObjectKind::missing;
        start = next + 1;
    }
}

}  // namespace lskd::io::detail
