// Dataspaces and storage layout: shapes in and out of HDF5, chunk shapes and the compression filters.
#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;  // the size of HDF5's default chunk cache
constexpr unsigned kDeflateLevel = 4;                      // most of level 9's ratio at a third of its time

}  // namespace

Extent extent_of(hid_t space, std::string_view file_path, std::string_view what) {
    const H5S_class_t cls = H5Sget_simple_extent_type(space);
    if (cls == H5S_NO_CLASS) fail_h5(file_path, fmt::format("cannot read the shape of {}", what));
    if (cls == H5S_NULL) fail("{}: {} holds no data (null dataspace)", file_path, what);
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0) fail_h5(file_path, fmt::format("cannot read the shape of {}", what));
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0)
        fail_h5(file_path, fmt::format("cannot read the shape of {}", what));
    Extent extent;
    for (const hsize_t d : dims) {
        if (d > static_cast<hsize_t>(std::numeric_limits<std::int64_t>::max()))
            fail("{}: {} has an impossible dimension {}", file_path, what, d);
        extent.dims.push_back(static_cast<std::int64_t>(d));
    }
    extent.count = element_count(extent.dims, file_path, what);
    return extent;
}

std::int64_t element_count(const Dims& dims, std::string_view file_path, std::string_view what) {
    std::int64_t count = 1;
    for (const std::int64_t d : dims) {
        if (d < 0) fail("{}: {} has a negative dimension in {}", file_path, what, dims);
        if (__builtin_mul_overflow(count, d, &count)) fail("{}: {} has too many elements ({})", file_path, what, dims);
    }
    return count;
}

Handle make_space(const Dims& dims, std::string_view file_path, std::string_view what) {
    if (dims.empty()) return checked(H5Screate(H5S_SCALAR), H5Sclose, file_path, what);
    if (dims.size() > H5S_MAX_RANK)
        fail("{}: {} has rank {}, above HDF5's maximum {}", file_path, what, dims.size(), H5S_MAX_RANK);
    element_count(dims, file_path, what);
    const std::vector<hsize_t> sizes(dims.begin(), dims.end());
    return checked(H5Screate_simple(static_cast<int>(sizes.size()), sizes.data(), nullptr), H5Sclose, file_path, what);
}

Dims chunk_shape(const Dims& dims, std::size_t element_bytes) {
    // Bytes of one index along dim i with every later dim whole; in double, which cannot overflow here.
    std::vector<double> row(dims.size());
    double bytes = static_cast<double>(element_bytes);
    for (std::size_t i = dims.size(); i-- > 0;) {
        row[i] = bytes;
        bytes *= static_cast<double>(dims[i]);
    }
    Dims chunk = dims;
    const auto target = static_cast<double>(kChunkBytes);
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (row[i] * static_cast<double>(dims[i]) <= target) break;
        if (row[i] <= target) {
            chunk[i] = std::max<std::int64_t>(1, static_cast<std::int64_t>(target / row[i]));
            break;
        }
        chunk[i] = 1;  // a single index is still too big: split the next dim too
    }
    return chunk;
}

Handle dataset_properties(const Dims& dims, hid_t type, std::string_view file_path, std::string_view what) {
    Handle dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, file_path, what);
    if (dims.empty() || std::count(dims.begin(), dims.end(), 0) > 0) return dcpl;
    const std::size_t element_bytes = H5Tget_size(type);
    if (element_bytes == 0) fail_h5(file_path, what);
    const Dims chunk = chunk_shape(dims, element_bytes);
    const std::vector<hsize_t> sizes(chunk.begin(), chunk.end());
    if (H5Pset_chunk(dcpl.get(), static_cast<int>(sizes.size()), sizes.data()) < 0) fail_h5(file_path, what);
    // Shuffle groups the bytes of each significance together, which is what lets floats compress.
    if (element_bytes > 1 && H5Pset_shuffle(dcpl.get()) < 0) fail_h5(file_path, what);
    if (H5Pset_deflate(dcpl.get(), kDeflateLevel) < 0) fail_h5(file_path, what);
    // A checksum per chunk makes a damaged file fail to read instead of returning wrong values.
    if (H5Pset_fletcher32(dcpl.get()) < 0) fail_h5(file_path, what);
    return dcpl;
}

}  // namespace lskd::io::detail
