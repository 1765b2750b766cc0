// What the analysis tests compare: an HDF5 file's contents (every dataset's values and every attribute, by path),
// where the bytes of two equal results may differ (HDF5 stores object times).
#pragma once
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_file.hpp"

namespace lskd::testing {

inline std::string attribute_text(const io::H5File& f, const std::string& object, const std::string& name) {
    try {
        return fmt::format("{}", fmt::join(f.attr_strings(object, name), "|"));
    } catch (const Error&) {
        return fmt::format("{}", f.attr_double(object, name));
    }
}

inline std::string dataset_text(const io::H5File& f, const std::string& path) {
    switch (f.value_kind(path)) {
        case io::ValueKind::integer: return fmt::format("{}", fmt::join(f.read<std::int64_t>(path).values, ","));
        case io::ValueKind::floating: return fmt::format("{}", fmt::join(f.read<double>(path).values, ","));
        case io::ValueKind::string: return fmt::format("{}", fmt::join(f.read_strings(path), "|"));
        case io::ValueKind::other: break;
    }
    return "?";
}

inline void add_contents(const io::H5File& f, const std::string& group, const std::set<std::string>& skipped_attrs,
                         std::map<std::string, std::string>& out) {
    for (const std::string& name : f.attr_names(group))
        if (!skipped_attrs.contains(name)) out[group + "@" + name] = attribute_text(f, group, name);
    for (const std::string& child : f.children(group)) {
        const std::string path = (group == "/" ? "/" : group + "/") + child;
        if (f.is_group(path))
            add_contents(f, path, skipped_attrs, out);
        else
            out[path] = dataset_text(f, path);
    }
}

// Every attribute ("object@name") and dataset of the file at `path` as text, leaving out the attributes named in
// `skipped_attrs` (timings).
inline std::map<std::string, std::string> h5_contents(const std::string& path,
                                                      const std::set<std::string>& skipped_attrs = {}) {
    std::map<std::string, std::string> out;
    add_contents(io::H5File::open_read(path), "/", skipped_attrs, out);
    return out;
}

}  // namespace lskd::testing
