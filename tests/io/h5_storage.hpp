// Test helper: how a dataset is stored (layout, chunk shape, filters, bytes on disk), read with HDF5's C API so
// that the io and distill tests do not trust the code under test.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/io/h5_file.hpp"

namespace lskd::io::testing {

struct StoredLayout {
    H5D_layout_t layout = H5D_LAYOUT_ERROR;
    Dims chunk;
    std::vector<H5Z_filter_t> filters;
    unsigned deflate_level = 0;
    std::uint64_t stored_bytes = 0;

    bool chunked_and_checksummed() const {
        return layout == H5D_CHUNKED && !filters.empty() && filters.back() == H5Z_FILTER_FLETCHER32;
    }
    // Deflated at a level above 0 (level 0 stores the values as they are).
    bool compressed() const { return deflate_level > 0; }
};

inline StoredLayout stored_layout(const std::string& file, const std::string& dataset) {
    StoredLayout s;
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
    REQUIRE(d >= 0);
    const hid_t dcpl = H5Dget_create_plist(d);
    s.layout = H5Pget_layout(dcpl);
    if (s.layout == H5D_CHUNKED) {
        hsize_t chunk[H5S_MAX_RANK];
        const int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk);
        s.chunk.assign(chunk, chunk + rank);
    }
    for (int i = 0; i < H5Pget_nfilters(dcpl); ++i) {
        unsigned flags = 0;
        std::size_t n = 1;
        unsigned values[1] = {0};
        const H5Z_filter_t filter =
            H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &n, values, 0, nullptr, nullptr);
        s.filters.push_back(filter);
        if (filter == H5Z_FILTER_DEFLATE) s.deflate_level = values[0];
    }
    s.stored_bytes = H5Dget_storage_size(d);
    H5Pclose(dcpl);
    H5Dclose(d);
    H5Fclose(f);
    return s;
}

}  // namespace lskd::io::testing
