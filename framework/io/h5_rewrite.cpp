// H5File rewrites: a file lskd wrote, written over whole in place, then pruned of what the new writes left out.
#include <algorithm>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io {

using detail::checked;
using detail::Handle;
using detail::ObjectKind;

H5File H5File::open_for_rewrite(const std::string& path, const std::string& shown_as) {
    H5File f = open_existing(path, true, shown_as.empty() ? path : shown_as);
    f.rewrite_ = std::make_unique<Rewrite>();
    return f;
}

void H5File::note_written(const std::string& object, std::string_view attribute) {
    if (!rewrite_) return;
    if (!attribute.empty()) rewrite_->attributes.emplace(object, attribute);
    // An object is kept with every group above it.
    for (std::string path = object; path.size() > 1; path = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1)))
        if (!rewrite_->objects.insert(path).second) break;
}

bool H5File::overwrite_in_place(const std::string& object, std::int64_t stored, std::int64_t memory, const void* data,
                                const Dims& dims, Storage storage) {
    if (!rewrite_) return false;
    const ObjectKind kind = detail::object_kind(id_, path_, object);
    // Whatever an earlier file kept here that is not this dataset gives way, as in a new file.
    if (kind == ObjectKind::group) remove(object);
    if (kind != ObjectKind::dataset || storage != Storage::contiguous) return false;
    const std::string what = fmt::format("cannot write dataset '{}'", object);
    Handle dataset = checked(H5Dopen2(id_, object.c_str(), H5P_DEFAULT), H5Dclose, path_, what);
    Handle plist = checked(H5Dget_create_plist(dataset.get()), H5Pclose, path_, what);
    Handle type = checked(H5Dget_type(dataset.get()), H5Tclose, path_, what);
    Handle space = checked(H5Dget_space(dataset.get()), H5Sclose, path_, what);
    if (H5Pget_layout(plist.get()) != H5D_CONTIGUOUS || H5Tequal(type.get(), stored) <= 0 ||
        detail::extent_of(space.get(), path_, what).dims != dims)
        return false;
    if (H5Dwrite(dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) detail::fail_h5(path_, what);
    return true;
}

void H5File::prune_unwritten() {
    detail::Session session;
    require_writable("prune", "/");
    if (!rewrite_) fail("{}: was not opened for a rewrite", path_);
    prune_group("/");
}

void H5File::prune_group(const std::string& group) {
    prune_attributes(group);
    for (const std::string& child : children(group)) {
        const std::string path = group == "/" ? "/" + child : group + "/" + child;
        if (!rewrite_->objects.contains(path))
            remove(path);
        else if (is_group(path))
            prune_group(path);
        else
            prune_attributes(path);
    }
}

void H5File::prune_attributes(const std::string& object) {
    for (const std::string& name : attr_names(object))
        if (!rewrite_->attributes.contains({object, name})) remove_attr(object, name);
}

}  // namespace lskd::io
