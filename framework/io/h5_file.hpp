// lskd::io::H5File: an open HDF5 file holding datasets, groups and attributes. Every failure is an
// lskd::Error naming the file, the object and HDF5's own reason. Object paths are absolute ("a/b" = "/a/b").
#pragma once
#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "framework/tensor/tensor.hpp"

namespace lskd::io {

using Dims = std::vector<std::int64_t>;

// The element types a dataset is written from and read into.
template <typename T>
concept Element = std::same_as<T, float> || std::same_as<T, double> || std::same_as<T, std::int32_t> ||
    std::same_as<T, std::int64_t> || std::same_as<T, std::uint8_t>;

// A dataset read back: row-major values and the shape (empty for a scalar).
template <Element T>
struct Array {
    Dims shape;
    std::vector<T> values;
};

// What a dataset's elements are, so a reader of a table can tell string columns from numbers.
enum class ValueKind { integer, floating, string, other };

// How a dataset is stored. `compressed` and `uncompressed` are chunked, and each chunk is checked on reading with
// a Fletcher-32 and zlib's Adler-32, so damage fails the read; `compressed` deflates the chunks (16-30 ms/MB),
// `uncompressed` stores them as they are. Deflating pays only for data with runs of equal bytes (integers, ReLU
// activations), not for trained floats: docs/run-file.md has the measurements. `contiguous` stores the values in
// one block without filters, with a CRC-32 (zlib's) of their bytes in the dataset's attribute `crc32`, which every
// read verifies: the cheapest to write, for state rewritten often (a checkpoint). Reading does not depend on it.
enum class Storage { compressed, uncompressed, contiguous };

class H5File {
public:
    static constexpr int kAnyRank = -1;

    // A file in HDF5's pre-1.8 format (h5py's default) is first read whole by a sandboxed child process, whose
    // crash on a damaged file becomes an Error (h5_old_format.hpp).
    static H5File open_read(const std::string& path);
    // Errors name `shown_as` when given, as for create(). Files in the pre-1.8 format are refused.
    static H5File open_readwrite(const std::string& path, const std::string& shown_as = {});
    // Creates `path`, truncating an existing file. Files are written in the HDF5 1.10 format, whose
    // metadata is checksummed; HDF5 1.10 or later (and h5py built on it) reads them. Errors name `shown_as`
    // when given: the output the user asked for, when `path` is only its temporary name. `rewritable`: the file keeps
    // track of its free space across openings, for later rewrites in place (open_for_rewrite).
    static H5File create(const std::string& path, const std::string& shown_as = {}, bool rewritable = false);
    // Opens a file lskd wrote, to be written over whole (the spare of an io::AtomicFile::recycle): a write of a
    // contiguous dataset whose shape and type are unchanged puts the new bytes where the old ones are, so the file
    // keeps its blocks instead of growing; prune_unwritten() then removes every object and attribute not written
    // since, so the file holds exactly what a new one would. Errors name `shown_as` when given.
    static H5File open_for_rewrite(const std::string& path, const std::string& shown_as = {});

    H5File(H5File&& other) noexcept;
    H5File& operator=(H5File&& other) noexcept;
    H5File(const H5File&) = delete;
    H5File& operator=(const H5File&) = delete;
    // Closes the file. A failure here can only be logged, so a writer calls close() to see it.
    ~H5File();

    const std::string& path() const { return path_; }
    bool is_open() const { return id_ >= 0; }
    bool writable() const { return writable_; }
    void flush();
    bool rewriting() const { return rewrite_ != nullptr; }
    // After open_for_rewrite and the writes: removes the objects and attributes that were not written since.
    void prune_unwritten();
    // Writes everything out and closes, throwing if HDF5 could not: a full disk may show up only here.
    // The handle is closed afterwards either way.
    void close();

    // --- Structure. Groups are created on demand by every write.
    bool has(std::string_view path) const;
    bool is_group(std::string_view path) const;
    bool is_dataset(std::string_view path) const;
    // Names of the links in a group, sorted bytewise ("epoch_10" before "epoch_2").
    std::vector<std::string> children(std::string_view group = "/") const;
    // Creates a group and its parents; nothing happens if the group exists.
    void create_group(std::string_view path);
    // Removes a dataset, or a group with everything below it. HDF5 does not shrink the file.
    void remove(std::string_view path);
    Dims shape(std::string_view dataset) const;
    // Copies the group or dataset `object` of `source`, with everything below it, to the same path here
    // (creating missing parent groups). Chunks are copied as stored, without recompressing them.
    void copy_from(const H5File& source, std::string_view object);
    // As copy_from, to the path `destination` here instead.
    void copy_from(const H5File& source, std::string_view object, std::string_view destination);
    ValueKind value_kind(std::string_view dataset) const;

    // --- Datasets. A write replaces a dataset already at `path` (but never a group) and stores the data
    // chunked and checksummed, compressed unless `storage` says otherwise; scalars (empty dims) and datasets
    // with a zero-sized dim are stored whole.
    template <Element T>
    void write(std::string_view path, const T* data, const Dims& dims, Storage storage = Storage::compressed);
    template <Element T>
    void write(std::string_view path, const std::vector<T>& values, const Dims& dims,
               Storage storage = Storage::compressed);
    template <Element T>
    void write(std::string_view path, const std::vector<T>& values, Storage storage = Storage::compressed) {
        write(path, values.data(), Dims{static_cast<std::int64_t>(values.size())}, storage);
    }
    // Hands the tensor's storage straight to HDF5, without a copy.
    void write(std::string_view path, const Tensor& tensor, Storage storage = Storage::compressed);
    // Fixed-length UTF-8 strings (as long as the longest), one dimension, compressed; h5py reads them as bytes.
    void write_strings(std::string_view path, const std::vector<std::string>& values);

    // Reads converting through HDF5 (an int dataset reads as float), but only within numbers: strings,
    // integers read from floats, and values out of T's range are errors. `rank`, if given, is checked.
    template <Element T>
    Array<T> read(std::string_view path, int rank = kAnyRank) const;
    Tensor read_tensor(std::string_view path, int rank = kAnyRank) const;
    // Fixed-length strings of any rank, flattened. Variable-length strings are refused (h5_detail.hpp).
    std::vector<std::string> read_strings(std::string_view path) const;

    // --- Attributes, on any group or dataset ("/" is the root). Setting replaces an attribute.
    bool has_attr(std::string_view object, std::string_view name) const;
    std::vector<std::string> attr_names(std::string_view object) const;
    // Copies every attribute of `from` in `source` onto `to` here, bytes and stored type as they are (replacing
    // attributes of the same names); variable-length ones are refused.
    void copy_attrs_from(const H5File& source, std::string_view from, std::string_view to);
    void remove_attr(std::string_view object, std::string_view name);

    void set_attr(std::string_view object, std::string_view name, const std::vector<std::string>& values);
    void set_attr(std::string_view object, std::string_view name, double value);
    void set_attr(std::string_view object, std::string_view name, std::int64_t value);
    // Anything string-like; a template so that a braced list of literals picks the list overload.
    template <typename S>
        requires std::convertible_to<const S&, std::string_view>
    void set_attr(std::string_view object, std::string_view name, const S& value) {
        set_string_attr(object, name, std::string_view(value));
    }
    // Any other integer, so that an int is not ambiguous between double and int64.
    template <std::integral I>
        requires(!std::same_as<I, bool> && !std::same_as<I, std::int64_t>)
    void set_attr(std::string_view object, std::string_view name, I value) {
        if constexpr (std::unsigned_integral<I> && sizeof(I) >= sizeof(std::int64_t))
            check_int64_range(object, name, value);
        set_attr(object, name, static_cast<std::int64_t>(value));
    }

    std::string attr_string(std::string_view object, std::string_view name) const;
    // A string list; a scalar string attribute reads as a list of one.
    std::vector<std::string> attr_strings(std::string_view object, std::string_view name) const;
    // Float or integer attributes holding one value.
    double attr_double(std::string_view object, std::string_view name) const;
    // Integer attributes holding one value.
    std::int64_t attr_int64(std::string_view object, std::string_view name) const;

private:
    H5File(std::string path, std::int64_t id, bool writable);
    static H5File open_existing(const std::string& path, bool write, const std::string& name);
    void require_open() const;
    // Fails if `object` has a `crc32` attribute that is not the CRC-32 of the `bytes` read into `data`.
    void verify_crc(const std::string& object, const void* data, std::size_t bytes) const;
    void require_writable(std::string_view what, const std::string& object) const;
    void set_string_attr(std::string_view object, std::string_view name, std::string_view value);
    void check_int64_range(std::string_view object, std::string_view name, std::uint64_t value) const;
    // In a rewrite, records that `object` (and its groups), or its attribute `attribute`, was written.
    void note_written(const std::string& object, std::string_view attribute = {});
    // In a rewrite, writes `data` into the contiguous dataset at `object` if it has `dims` and `stored`'s type.
    bool overwrite_in_place(const std::string& object, std::int64_t stored, std::int64_t memory, const void* data,
                            const Dims& dims, Storage storage);
    void prune_group(const std::string& group);
    void prune_attributes(const std::string& object);

    struct Rewrite;  // what was written since open_for_rewrite (h5_rewrite.cpp)

    std::string path_;
    std::int64_t id_ = -1;
    bool writable_ = false;
    std::unique_ptr<Rewrite> rewrite_;  // null unless opened for a rewrite
};

}  // namespace lskd::io
