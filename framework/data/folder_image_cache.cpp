#include "framework/data/folder_image_cache.hpp"

#include <chrono>
#include <system_error>

#include <fmt/format.h>

#include "framework/core/error.hpp"
#include "framework/data/fnv1a.hpp"
#include "framework/io/atomic_file.hpp"
#include "framework/io/file_lock.hpp"
#include "framework/io/output_policy.hpp"

namespace lskd::data {
namespace {

constexpr const char* kCacheFormat = "lskd-folder-cache/1";

std::uint64_t modification_ns(const std::filesystem::path& file) {
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(file, ec);
    if (ec) fail("{}: cannot read its modification time: {}", file.string(), ec.message());
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

std::uint64_t byte_size(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) fail("{}: cannot read its size: {}", file.string(), ec.message());
    return size;
}

void write_cache(const std::filesystem::path& path, const std::filesystem::path& root, const FolderImages& decoded,
                 const FolderImageSpec& spec) {
    io::atomic_write(path.string(), [&](io::H5File& f) {
        const ImageSet& s = decoded.images;
        f.set_attr("/", "format", kCacheFormat);
        f.set_attr("/", "root", root.string());
        f.set_attr("/", "size", spec.size);
        f.set_attr("/", "resize", spec.transform().resize);
        // Raw pixels deflate poorly and slowly; the chunks are still checksummed.
        f.write("/pixels", s.pixels, {static_cast<std::int64_t>(s.size()), s.height, s.width, s.channels},
                io::Storage::uncompressed);
        f.write("/labels", s.labels);
        f.write("/original_index", s.original_index);
        if (!decoded.bad.empty()) f.write_strings("/bad_images", decoded.bad);
    });
}

// The cached images, checked against the listing: the same entries kept, in order, with their labels.
FolderImages read_cache(const std::filesystem::path& path, const FolderEntries& entries, const FolderImageSpec& spec) {
    const io::H5File f = io::H5File::open_read(path.string());
    FolderImages out;
    ImageSet& s = out.images;
    s.height = s.width = spec.size;
    s.channels = 3;
    s.labels = f.read<std::int32_t>("/labels", 1).values;
    s.original_index = f.read<std::int64_t>("/original_index", 1).values;
    if (f.has("/bad_images")) out.bad = f.read_strings("/bad_images");
    io::Array<std::uint8_t> pixels = f.read<std::uint8_t>("/pixels", 4);
    const io::Dims expected{static_cast<std::int64_t>(s.labels.size()), spec.size, spec.size, 3};
    bool matches = f.attr_string("/", "format") == kCacheFormat && pixels.shape == expected &&
                   s.original_index.size() == s.labels.size() && s.labels.size() + out.bad.size() == entries.size();
    for (std::size_t i = 0, e = 0; matches && i < s.labels.size(); ++i, ++e) {
        while (e < entries.size() && entries.original_index(e) != s.original_index[i]) ++e;
        matches = e < entries.size() && entries.label(e) == s.labels[i];
    }
    if (!matches)
        fail("{}: this image cache does not hold the images of its listing; delete it to decode again", path.string());
    s.pixels = std::move(pixels.values);
    return out;
}

}  // namespace

std::filesystem::path folder_cache_file(const std::filesystem::path& cache_dir, const std::filesystem::path& root,
                                        const FolderEntries& entries, const FolderImageSpec& spec) {
    Fnv1a64 h;
    h.add_string(kCacheFormat);
    h.add_string(std::filesystem::absolute(root).lexically_normal().string());
    h.add_size(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::filesystem::path file = root / entries.relative_path(i);
        h.add_string(entries.relative_path(i));
        h.add_size(static_cast<std::uint64_t>(entries.label(i)));
        h.add_size(static_cast<std::uint64_t>(entries.original_index(i)));
        h.add_size(byte_size(file));
        h.add_size(modification_ns(file));
    }
    return cache_dir / fmt::format("folder-{}-{}-{:016x}.h5", spec.size, spec.transform().resize, h.value());
}

FolderImages cached_folder_images(const std::filesystem::path& cache_dir, const std::filesystem::path& root,
                                  const FolderEntries& entries, const FolderImageSpec& spec) {
    if (cache_dir.empty()) return decode_folder_images(root, entries, spec);
    const std::filesystem::path path = folder_cache_file(cache_dir, root, entries, spec);
    io::make_output_directory(cache_dir.string());
    // Runs started together on one folder: the first decodes, the others wait and read its file, or stop on a
    // signal rather than wait out another run's decoding of a large folder.
    const io::FileLock lock = io::FileLock::lock_file(path.string(), "image cache");
    FolderImages images;
    if (std::filesystem::exists(path)) {
        images = read_cache(path, entries, spec);
    } else {
        // Bad images are kept in the file either way, so a later run without skip-bad-images still fails on them.
        FolderImageSpec skipping = spec;
        skipping.skip_bad_images = true;
        images = decode_folder_images(root, entries, skipping);
        write_cache(path, root, images, spec);
    }
    if (!images.bad.empty() && !spec.skip_bad_images) fail_bad_images(images.bad);
    return images;
}

}  // namespace lskd::data
