// H5File attributes: strings, string lists, doubles and int64s on any group or dataset.
#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io {
namespace {

using detail::checked;
using detail::fail_h5;
using detail::Handle;

std::string label(const std::string& object, std::string_view name) {
    return fmt::format("attribute '{}' of '{}'", name, object);
}

Handle open_object(hid_t file, const std::string& file_path, const std::string& object) {
    if (detail::object_kind(file, file_path, object) == detail::ObjectKind::missing)
        fail("{}: no object '{}'", file_path, object);
    return checked(H5Oopen(file, object.c_str(), H5P_DEFAULT), H5Oclose, file_path,
                   fmt::format("cannot open '{}'", object));
}

bool attribute_exists(hid_t object, const std::string& file_path, const std::string& path, std::string_view name) {
    const htri_t exists = H5Aexists(object, std::string(name).c_str());
    if (exists < 0) fail_h5(file_path, fmt::format("cannot look up {}", label(path, name)));
    return exists > 0;
}

// An attribute with its element count and stored type, for the typed readers to check.
struct Attribute {
    Handle id;
    Handle type;
    std::int64_t count = 0;
};

Attribute open_attribute(hid_t file, const std::string& file_path, const std::string& path, std::string_view name) {
    Handle object = open_object(file, file_path, path);
    if (!attribute_exists(object.get(), file_path, path, name))
        fail("{}: no attribute '{}' on '{}'", file_path, name, path);
    const std::string what = fmt::format("cannot read {}", label(path, name));
    Attribute a;
    a.id = checked(H5Aopen(object.get(), std::string(name).c_str(), H5P_DEFAULT), H5Aclose, file_path, what);
    a.type = checked(H5Aget_type(a.id.get()), H5Tclose, file_path, what);
    Handle space = checked(H5Aget_space(a.id.get()), H5Sclose, file_path, what);
    a.count = detail::extent_of(space.get(), file_path, label(path, name)).count;
    return a;
}

void require_single(const Attribute& a, const std::string& file_path, const std::string& path, std::string_view name) {
    if (a.count != 1) fail("{}: {} holds {} values, expected one", file_path, label(path, name), a.count);
}

void write_attribute(hid_t file, const std::string& file_path, const std::string& path, std::string_view name,
                     hid_t stored, hid_t memory, const void* data, const Dims& dims) {
    const std::string what = fmt::format("cannot set {}", label(path, name));
    if (name.empty()) fail("{}: cannot set an attribute without a name on '{}'", file_path, path);
    Handle object = open_object(file, file_path, path);
    const std::string key(name);
    if (attribute_exists(object.get(), file_path, path, name) && H5Adelete(object.get(), key.c_str()) < 0)
        fail_h5(file_path, what);
    Handle space = detail::make_space(dims, file_path, what);
    Handle attribute = checked(H5Acreate2(object.get(), key.c_str(), stored, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                               H5Aclose, file_path, what);
    const bool empty = !dims.empty() && dims[0] == 0;  // HDF5 refuses to write from no buffer at all
    if (!empty && H5Awrite(attribute.get(), memory, data) < 0) fail_h5(file_path, what);
    if (attribute.close() < 0) fail_h5(file_path, what);
}

std::vector<std::string> attribute_strings(const Attribute& a, const std::string& file_path, const std::string& path,
                                           std::string_view name) {
    return detail::read_string_values(a.type.get(), a.count, detail::kMaxAttributeBytes, file_path, label(path, name),
                                      [&](hid_t memory, void* buffer) { return H5Aread(a.id.get(), memory, buffer); });
}

}  // namespace

bool H5File::has_attr(std::string_view object, std::string_view name) const {
    detail::Session session;
    require_open();
    const std::string path = detail::normalize(object);
    if (detail::object_kind(id_, path_, path) == detail::ObjectKind::missing) return false;
    Handle o = open_object(id_, path_, path);
    return attribute_exists(o.get(), path_, path, name);
}

std::vector<std::string> H5File::attr_names(std::string_view object) const {
    detail::Session session;
    require_open();
    const std::string path = detail::normalize(object);
    Handle o = open_object(id_, path_, path);
    std::vector<std::string> names;
    const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
    };
    if (H5Aiterate2(o.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) < 0)
        fail_h5(path_, fmt::format("cannot list the attributes of '{}'", path));
    std::sort(names.begin(), names.end());
    return names;
}

void H5File::copy_attrs_from(const H5File& source, std::string_view from, std::string_view to) {
    detail::Session session;
    const std::string src = detail::normalize(from), dst = detail::normalize(to);
    require_writable("copy attributes to", dst);
    for (const std::string& name : source.attr_names(src)) {
        const std::string what = fmt::format("cannot copy {} from '{}'", label(src, name), source.path_);
        const Attribute a = open_attribute(source.id_, source.path_, src, name);
        if (H5Tdetect_class(a.type.get(), H5T_VLEN) != 0 || H5Tis_variable_str(a.type.get()) != 0)
            fail("{}: {} is of a variable-length type, which lskd does not copy", source.path_, label(src, name));
        const std::size_t bytes = H5Tget_size(a.type.get()) * static_cast<std::size_t>(a.count);
        if (bytes > detail::kMaxAttributeBytes) fail("{}: {} holds {} bytes", source.path_, label(src, name), bytes);
        std::vector<unsigned char> buffer(bytes);
        if (bytes > 0 && H5Aread(a.id.get(), a.type.get(), buffer.data()) < 0) fail_h5(source.path_, what);
        Handle space = checked(H5Aget_space(a.id.get()), H5Sclose, source.path_, what);
        Handle object = open_object(id_, path_, dst);
        if (attribute_exists(object.get(), path_, dst, name) && H5Adelete(object.get(), name.c_str()) < 0)
            fail_h5(path_, what);
        Handle out =
            checked(H5Acreate2(object.get(), name.c_str(), a.type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, path_, what);
        if (bytes > 0 && H5Awrite(out.get(), a.type.get(), buffer.data()) < 0) fail_h5(path_, what);
        if (out.close() < 0) fail_h5(path_, what);
    }
}

void H5File::remove_attr(std::string_view object, std::string_view name) {
    detail::Session session;
    const std::string path = detail::normalize(object);
    require_writable("remove an attribute of", path);
    Handle o = open_object(id_, path_, path);
    if (!attribute_exists(o.get(), path_, path, name)) fail("{}: no attribute '{}' on '{}'", path_, name, path);
    if (H5Adelete(o.get(), std::string(name).c_str()) < 0)
        fail_h5(path_, fmt::format("cannot remove {}", label(path, name)));
}

void H5File::set_string_attr(std::string_view object, std::string_view name, std::string_view value) {
    detail::Session session;
    const std::string path = detail::normalize(object);
    require_writable("set an attribute of", path);
    note_written(path, name);
    const detail::FixedStrings text = detail::fixed_strings({std::string(value)}, path_, label(path, name));
    write_attribute(id_, path_, path, name, text.type.get(), text.type.get(), text.bytes.data(), {});
}

void H5File::set_attr(std::string_view object, std::string_view name, const std::vector<std::string>& values) {
    detail::Session session;
    const std::string path = detail::normalize(object);
    require_writable("set an attribute of", path);
    note_written(path, name);
    const detail::FixedStrings text = detail::fixed_strings(values, path_, label(path, name));
    write_attribute(id_, path_, path, name, text.type.get(), text.type.get(), text.bytes.data(),
                    {static_cast<std::int64_t>(values.size())});
}

void H5File::set_attr(std::string_view object, std::string_view name, double value) {
    detail::Session session;
    const std::string path = detail::normalize(object);
    require_writable("set an attribute of", path);
    note_written(path, name);
    write_attribute(id_, path_, path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, {});
}

void H5File::set_attr(std::string_view object, std::string_view name, std::int64_t value) {
    detail::Session session;
    const std::string path = detail::normalize(object);
    require_writable("set an attribute of", path);
    note_written(path, name);
    write_attribute(id_, path_, path, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, {});
}

void H5File::check_int64_range(std::string_view object, std::string_view name, std::uint64_t value) const {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        fail("{}: cannot set {}: {} does not fit in int64", path_, label(detail::normalize(object), name), value);
}

std::string H5File::attr_string(std::string_view object, std::string_view name) const {
    detail::Session session;
    require_open();
    const std::string path = detail::normalize(object);
    const Attribute a = open_attribute(id_, path_, path, name);
    require_single(a, path_, path, name);
    return attribute_strings(a, path_, path, name).front();
}

std::vector<std::string> H5File::attr_strings(std::string_view object, std::string_view name) const {
    detail::Session session;
    require_open();
    const std::string path = detail::normalize(object);
    const Attribute a = open_attribute(id_, path_, path, name);
    return attribute_strings(a, path_, path, name);
}

double H5File::attr_double(std::string_view object, std::string_view name) const {
    detail::Session session;
    require_open();
    const std::string path = detail::normalize(object);
    const Attribute a = open_attribute(id_, path_, path, name);
    const H5T_class_t cls = H5Tget_class(a.type.get());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        fail("{}: {} holds {}, not a number", path_, label(path, name), detail::class_description(cls));
    require_single(a, path_, path, name);
    double value = 0;
    if (H5Aread(a.id.get(), H5T_NATIVE_DOUBLE, &value) < 0)
        fail_h5(path_, fmt::format("cannot read {}", label(path, name)));
    return value;
}

std::int64_t H5File::attr_int64(std::string_view object, std::string_view name) const {
    detail::Session session;
    require_open();
    const std::string path = detail::normalize(object);
    const Attribute a = open_attribute(id_, path_, path, name);
    const H5T_class_t cls = H5Tget_class(a.type.get());
    if (cls != H5T_INTEGER)
        fail("{}: {} holds {}, not an integer", path_, label(path, name), detail::class_description(cls));
    require_single(a, path_, path, name);
    std::int64_t value = 0;
    if (H5Aread(a.id.get(), H5T_NATIVE_INT64, &value) < 0)
        fail_h5(path_, fmt::format("cannot read {}", label(path, name)));
    return value;
}

}  // namespace lskd::io
