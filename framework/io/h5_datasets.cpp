// H5File datasets: numbers, tensors and strings written whole (replacing what was there) and read back.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <isa-l/crc.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io {
namespace {

using detail::checked;
using detail::fail_h5;
using detail::Handle;
using detail::ObjectKind;

Handle open_dataset(hid_t file, const std::string& file_path, const std::string& path) {
    const ObjectKind kind = detail::object_kind(file, file_path, path);
    if (kind == ObjectKind::missing) fail("{}: no dataset '{}'", file_path, path);
    if (kind != ObjectKind::dataset) fail("{}: '{}' is not a dataset", file_path, path);
    return checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, file_path,
                   fmt::format("cannot open dataset '{}'", path));
}

detail::Extent dataset_extent(hid_t dataset, const std::string& file_path, const std::string& path, int rank) {
    Handle space =
        checked(H5Dget_space(dataset), H5Sclose, file_path, fmt::format("cannot read the shape of dataset '{}'", path));
    detail::Extent extent = detail::extent_of(space.get(), file_path, fmt::format("dataset '{}'", path));
    if (rank != H5File::kAnyRank && static_cast<int>(extent.dims.size()) != rank)
        fail("{}: dataset '{}' has rank {} (shape [{}]), expected rank {}", file_path, path, extent.dims.size(),
             fmt::join(extent.dims, ", "), rank);
    return extent;
}

H5T_class_t stored_class(hid_t dataset, const std::string& file_path, const std::string& path) {
    Handle type =
        checked(H5Dget_type(dataset), H5Tclose, file_path, fmt::format("cannot read the type of dataset '{}'", path));
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls == H5T_NO_CLASS) fail_h5(file_path, fmt::format("cannot read the type of dataset '{}'", path));
    return cls;
}

std::size_t stored_size(hid_t dataset, const std::string& file_path, const std::string& path) {
    Handle type =
        checked(H5Dget_type(dataset), H5Tclose, file_path, fmt::format("cannot read the type of dataset '{}'", path));
    return H5Tget_size(type.get());
}

// HDF5 would otherwise clamp a value that does not fit the type it is read into.
H5T_conv_ret_t refuse_out_of_range(H5T_conv_except_t except, hid_t, hid_t, void*, void*, void* out_of_range) {
    if (except != H5T_CONV_EXCEPT_RANGE_HI && except != H5T_CONV_EXCEPT_RANGE_LOW) return H5T_CONV_UNHANDLED;
    *static_cast<bool*>(out_of_range) = true;
    return H5T_CONV_ABORT;
}

template <Element T>
void require_readable_as(hid_t dataset, const std::string& file_path, const std::string& path) {
    const H5T_class_t cls = stored_class(dataset, file_path, path);
    // HDF5 converts between any numbers, but a float read as an integer silently loses its fraction.
    if (cls != H5T_INTEGER && !(cls == H5T_FLOAT && std::floating_point<T>))
        fail("{}: dataset '{}' holds {}, which cannot be read as {}", file_path, path, detail::class_description(cls),
             detail::type_name<T>());
}

template <Element T>
void read_numbers(hid_t dataset, T* out, std::int64_t count, const std::string& file_path, const std::string& path) {
    if (count == 0) return;
    const std::string what = fmt::format("cannot read dataset '{}'", path);
    Handle transfer = checked(H5Pcreate(H5P_DATASET_XFER), H5Pclose, file_path, what);
    bool out_of_range = false;
    if (H5Pset_type_conv_cb(transfer.get(), refuse_out_of_range, &out_of_range) < 0) fail_h5(file_path, what);
    if (H5Dread(dataset, detail::memory_type<T>(), H5S_ALL, H5S_ALL, transfer.get(), out) < 0) {
        if (out_of_range) {
            H5Eclear2(H5E_DEFAULT);
            fail("{}: {}: a value does not fit in {}", file_path, what, detail::type_name<T>());
        }
        fail_h5(file_path, what);
    }
}

// Whether a dataset is to be replaced at `path`. Never a group: that would silently drop all below it.
bool replaces_dataset(hid_t file, const std::string& file_path, const std::string& path) {
    if (path == "/") fail("{}: cannot write a dataset at the root group", file_path);
    const ObjectKind kind = detail::object_kind(file, file_path, path);
    if (kind != ObjectKind::missing && kind != ObjectKind::dataset)
        fail("{}: cannot write dataset '{}': a group is there (remove it first)", file_path, path);
    return kind == ObjectKind::dataset;
}

// The data goes into an unnamed dataset first, which takes the name only once it is written out, so a
// failed write (a full disk, say) leaves any old dataset at `path` as it was.
void write_dataset(hid_t file, const std::string& file_path, const std::string& path, hid_t stored, hid_t memory,
                   const void* data, const Dims& dims, Storage storage) {
    const std::string what = fmt::format("cannot write dataset '{}'", path);
    const std::int64_t count = detail::element_count(dims, file_path, fmt::format("dataset '{}'", path));
    if (count > 0 && data == nullptr) fail("{}: {}: no data given", file_path, what);
    const bool replace = replaces_dataset(file, file_path, path);
    Handle space = detail::make_space(dims, file_path, what);
    Handle dcpl = detail::dataset_properties(dims, stored, storage, file_path, what);
    Handle lcpl = checked(H5Pcreate(H5P_LINK_CREATE), H5Pclose, file_path, what);
    if (H5Pset_create_intermediate_group(lcpl.get(), 1) < 0) fail_h5(file_path, what);
    Handle dataset =
        checked(H5Dcreate_anon(file, stored, space.get(), dcpl.get(), H5P_DEFAULT), H5Dclose, file_path, what);
    if (count > 0 && H5Dwrite(dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail_h5(file_path, what);
    if (H5Dflush(dataset.get()) < 0) fail_h5(file_path, what);  // cached chunks: may fail on a full disk
    if (replace && H5Ldelete(file, path.c_str(), H5P_DEFAULT) < 0)
        fail_h5(file_path, fmt::format("cannot replace dataset '{}'", path));
    if (H5Olink(dataset.get(), file, path.c_str(), lcpl.get(), H5P_DEFAULT) < 0) fail_h5(file_path, what);
    if (dataset.close() < 0) fail_h5(file_path, what);
}

// zlib's CRC-32 (gzip's reflected polynomial) of `bytes` bytes, computed by ISA-L: a checkpoint is checksummed after
// every epoch, and zlib's table-driven loop cost more than writing the bytes.
std::int64_t crc32_of(const void* data, std::size_t bytes) {
    return static_cast<std::int64_t>(crc32_gzip_refl(0, static_cast<const unsigned char*>(data), bytes));
}

constexpr const char* kCrcAttribute = "crc32";

}  // namespace

// A value read in its stored representation (same class and size) is checked against the CRC-32 written with it.
void H5File::verify_crc(const std::string& object, const void* data, std::size_t bytes) const {
    if (!has_attr(object, kCrcAttribute)) return;
    if (attr_int64(object, kCrcAttribute) != crc32_of(data, bytes))
        fail("{}: dataset '{}' fails its CRC-32 check: the file is damaged", path_, object);
}

template <Element T>
void H5File::write(std::string_view path, const T* data, const Dims& dims, Storage storage) {
    detail::Session session;
    const std::string object = detail::normalize(path);
    require_writable("write dataset", object);
    note_written(object);
    if (!overwrite_in_place(object, detail::file_type<T>(), detail::memory_type<T>(), data, dims, storage))
        write_dataset(id_, path_, object, detail::file_type<T>(), detail::memory_type<T>(), data, dims, storage);
    if (storage == Storage::contiguous) {
        const std::int64_t count = detail::element_count(dims, path_, fmt::format("dataset '{}'", object));
        set_attr(object, kCrcAttribute, crc32_of(data, static_cast<std::size_t>(count) * sizeof(T)));
    }
}

template <Element T>
void H5File::write(std::string_view path, const std::vector<T>& values, const Dims& dims, Storage storage) {
    const std::int64_t count = detail::element_count(dims, path_, fmt::format("dataset '{}'", path));
    if (static_cast<std::int64_t>(values.size()) != count)
        fail("{}: cannot write dataset '{}': {} values for shape [{}]", path_, detail::normalize(path), values.size(),
             fmt::join(dims, ", "));
    write(path, values.data(), dims, storage);
}

void H5File::write(std::string_view path, const Tensor& tensor, Storage storage) {
    if (!tensor.defined())
        fail("{}: cannot write dataset '{}': the tensor is undefined", path_, detail::normalize(path));
    write(path, tensor.data(), tensor.shape().to_vector(), storage);
}

void H5File::write_strings(std::string_view path, const std::vector<std::string>& values) {
    detail::Session session;
    const std::string object = detail::normalize(path);
    require_writable("write dataset", object);
    note_written(object);
    if (rewrite_ && detail::object_kind(id_, path_, object) == ObjectKind::group) remove(object);
    const detail::FixedStrings text = detail::fixed_strings(values, path_, fmt::format("dataset '{}'", object));
    write_dataset(id_, path_, object, text.type.get(), text.type.get(), text.bytes.data(),
                  Dims{static_cast<std::int64_t>(values.size())}, Storage::compressed);
}

template <Element T>
Array<T> H5File::read(std::string_view path, int rank) const {
    detail::Session session;
    require_open();
    const std::string object = detail::normalize(path);
    Handle dataset = open_dataset(id_, path_, object);
    const detail::Extent extent = dataset_extent(dataset.get(), path_, object, rank);
    require_readable_as<T>(dataset.get(), path_, object);
    Array<T> out;
    out.shape = extent.dims;
    out.values = detail::allocating(path_, fmt::format("dataset '{}'", object), extent.count,
                                    [&] { return std::vector<T>(static_cast<std::size_t>(extent.count)); });
    read_numbers(dataset.get(), out.values.data(), extent.count, path_, object);
    const H5T_class_t own_class = std::floating_point<T> ? H5T_FLOAT : H5T_INTEGER;
    if (stored_class(dataset.get(), path_, object) == own_class &&
        stored_size(dataset.get(), path_, object) == sizeof(T))
        verify_crc(object, out.values.data(), out.values.size() * sizeof(T));
    return out;
}

Tensor H5File::read_tensor(std::string_view path, int rank) const {
    detail::Session session;
    require_open();
    const std::string object = detail::normalize(path);
    Handle dataset = open_dataset(id_, path_, object);
    const detail::Extent extent = dataset_extent(dataset.get(), path_, object, rank);
    if (extent.dims.size() > static_cast<std::size_t>(Shape::kMaxRank))
        fail("{}: dataset '{}' has rank {}, above a tensor's maximum {}", path_, object, extent.dims.size(),
             Shape::kMaxRank);
    require_readable_as<float>(dataset.get(), path_, object);
    Tensor out = detail::allocating(path_, fmt::format("dataset '{}'", object), extent.count,
                                    [&] { return Tensor::empty(Shape(extent.dims)); });
    read_numbers(dataset.get(), out.data(), extent.count, path_, object);
    if (stored_class(dataset.get(), path_, object) == H5T_FLOAT && stored_size(dataset.get(), path_, object) == 4)
        verify_crc(object, out.data(), static_cast<std::size_t>(out.numel()) * sizeof(float));
    return out;
}

std::vector<std::string> H5File::read_strings(std::string_view path) const {
    detail::Session session;
    require_open();
    const std::string object = detail::normalize(path);
    Handle dataset = open_dataset(id_, path_, object);
    const detail::Extent extent = dataset_extent(dataset.get(), path_, object, kAnyRank);
    Handle type = checked(H5Dget_type(dataset.get()), H5Tclose, path_,
                          fmt::format("cannot read the type of dataset '{}'", object));
    return detail::read_string_values(type.get(), extent.count, detail::kMaxStringDatasetBytes, path_,
                                      fmt::format("dataset '{}'", object), [&](hid_t memory, void* buffer) {
                                          return H5Dread(dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
                                      });
}

Dims H5File::shape(std::string_view path) const {
    detail::Session session;
    require_open();
    const std::string object = detail::normalize(path);
    Handle dataset = open_dataset(id_, path_, object);
    return dataset_extent(dataset.get(), path_, object, kAnyRank).dims;
}

ValueKind H5File::value_kind(std::string_view path) const {
    detail::Session session;
    require_open();
    const std::string object = detail::normalize(path);
    Handle dataset = open_dataset(id_, path_, object);
    switch (stored_class(dataset.get(), path_, object)) {
        case H5T_INTEGER: return ValueKind::integer;
        case H5T_FLOAT: return ValueKind::floating;
        case H5T_STRING: return ValueKind::string;
        default: return ValueKind::other;
    }
}

#define LSKD_IO_DATASET_TYPE(T)                                                                    \
    template void H5File::write<T>(std::string_view, const T*, const Dims&, Storage);              \
    template void H5File::write<T>(std::string_view, const std::vector<T>&, const Dims&, Storage); \
    template Array<T> H5File::read<T>(std::string_view, int) const;
LSKD_IO_DATASET_TYPE(float)
LSKD_IO_DATASET_TYPE(double)
LSKD_IO_DATASET_TYPE(std::int32_t)
LSKD_IO_DATASET_TYPE(std::int64_t)
LSKD_IO_DATASET_TYPE(std::uint8_t)
#undef LSKD_IO_DATASET_TYPE

}  // namespace lskd::io
