// Dataspaces and storage layout: shapes in and out of HDF5, chunk shapes and the filters of each Storage.
#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/core/error.hpp"
#include "framework/io/h5_detail.hpp"

namespace lskd::io::detail {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;  // the size of HDF5's default chunk cache
// Level 1 without shuffling, measured on run files' post-ReLU activations (the one large dataset lskd
// compresses): 54 % of the bytes at 16 ms/MB, against 51 % at 23 ms/MB for level 4 and 61 % at 21 ms/MB for
// shuffle + level 1, which only helps smooth floats (docs/run-file.md).
constexpr unsigned kDeflateLevel = 1;

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
            // Equal chunks rather than full ones and a remainder: HDF5 stores an edge chunk whole, which for an
            // uncompressed [1200, 784] float weight would be 11 % padding.
            const std::int64_t most = std::max<std::int64_t>(1, static_cast<std::int64_t>(target / row[i]));
            const std::int64_t count = (dims[i] + most - 1) / most;
            chunk[i] = (dims[i] + count - 1) / count;
            break;
        }
        chunk[i] = 1;  // a single index is still too big: split the next dim too
    }
    return chunk;
}

Handle dataset_properties(const Dims& dims, hid_t type, Storage storage, std::string_view file_path,
                          std::string_view what) {
    Handle dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, file_path, what);
    if (storage == Storage::contiguous || dims.empty() || std::count(dims.begin(), dims.end(), 0) > 0) return dcpl;
    const std::size_t element_bytes = H5Tget_size(type);
    if (element_bytes == 0) fail_h5(file_path, what);
    const Dims chunk = chunk_shape(dims, element_bytes);
    const std::vector<hsize_t> sizes(chunk.begin(), chunk.end());
    if (H5Pset_chunk(dcpl.get(), static_cast<int>(sizes.size()), sizes.data()) < 0) fail_h5(file_path, what);
    // An uncompressed chunk still goes through zlib, at level 0 (stored as is, 6 bytes a chunk and 5 per 64 KiB
    // more, 0.5 ms/MB): its stream carries an Adler-32 of the values, which catches what the Fletcher-32 below
    // cannot see, a 16-bit word turned from 0x0000 to 0xFFFF or back (a zero float inverted to a NaN); the
    // Fletcher-32 alone passed such a chunk as sound in the damaged-chunk test of tests/io. Mandatory rather than
    // HDF5's optional deflate, which would store a chunk it failed to filter without its Adler-32.
    const unsigned level = storage == Storage::compressed ? kDeflateLevel : 0;
    if (H5Pset_filter(dcpl.get(), H5Z_FILTER_DEFLATE, H5Z_FLAG_MANDATORY, 1, &level) < 0) fail_h5(file_path, what);
    // A checksum per chunk makes a damaged file fail to read instead of returning wrong values.
    if (H5Pset_fletcher32(dcpl.get()) < 0) fail_h5(file_path, what);
    return dcpl;
}

}  // namespace lskd::io::detail
