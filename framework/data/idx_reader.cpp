#include "framework/data/idx_reader.hpp"

#include <array>
#include <string_view>

#include "framework/core/error.hpp"
#include "framework/data/file_bytes.hpp"

namespace lskd::data {
namespace {

std::uint32_t big_endian_u32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | std::uint32_t{p[3]};
}

// Checks the magic number and returns the dimensions that follow it.
template <std::size_t Rank>
std::array<std::uint64_t, Rank> read_header(std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                                            std::string_view what) {
    constexpr std::uint32_t magic = 0x0800 | Rank;  // zero, zero, element type u8, rank
    constexpr std::size_t header = 4 + 4 * Rank;
    if (bytes.size() < 4)
        fail("{}: truncated: {} bytes, too short for an IDX magic number", file.string(), bytes.size());
    if (big_endian_u32(bytes.data()) != magic)
        fail("{}: wrong magic number 0x{:08X}, expected 0x{:08X} (IDX {}: unsigned bytes, {} dimension{})",
             file.string(), big_endian_u32(bytes.data()), magic, what, Rank, Rank == 1 ? "" : "s");
    if (bytes.size() < header)
        fail("{}: truncated header: {} bytes, an IDX {} header has {}", file.string(), bytes.size(), what, header);
    std::array<std::uint64_t, Rank> dims{};
    for (std::size_t i = 0; i < Rank; ++i) dims[i] = big_endian_u32(bytes.data() + 4 + 4 * i);
    if (dims[0] == 0) fail("{}: empty: header says 0 {}", file.string(), what);
    return dims;
}

}  // namespace

ImageSet parse_idx(std::vector<std::uint8_t> image_file, std::span<const std::uint8_t> label_file,
                   const std::filesystem::path& images, const std::filesystem::path& labels,
                   const IdxExpectations& expect) {
    const auto [n, h, w] = read_header<3>(image_file, images, "images");
    if (h == 0 || w == 0) fail("{}: wrong image size: header says {}x{}", images.string(), h, w);
    if (expect.height != 0 &&
        (h != static_cast<std::uint64_t>(expect.height) || w != static_cast<std::uint64_t>(expect.width)))
        fail("{}: wrong image size: header says {}x{}, expected {}x{}", images.string(), h, w, expect.height,
             expect.width);
    const std::uint64_t pixel_bytes = image_file.size() - 16;
    // Compare by division: n * h * w can exceed 64 bits in a corrupt header.
    const std::uint64_t per_image = h * w;
    if (pixel_bytes / per_image < n)
        fail("{}: truncated: header says {} images of {}x{}, file has {} bytes of pixel data ({} whole images)",
             images.string(), n, h, w, pixel_bytes, pixel_bytes / per_image);
    if (pixel_bytes != n * per_image)
        fail("{}: {} bytes of trailing data after {} images of {}x{}", images.string(), pixel_bytes - n * per_image, n,
             h, w);

    const auto [count] = read_header<1>(label_file, labels, "labels");
    const std::uint64_t label_bytes = label_file.size() - 8;
    if (label_bytes < count)
        fail("{}: truncated: header says {} labels, file has {} bytes of data", labels.string(), count, label_bytes);
    if (label_bytes > count)
        fail("{}: {} bytes of trailing data after {} labels", labels.string(), label_bytes - count, count);
    if (count != n)
        fail("{}: image/label count mismatch: {} labels, but {} has {} images", labels.string(), count, images.string(),
             n);

    ImageSet set;
    set.height = static_cast<std::int64_t>(h);
    set.width = static_cast<std::int64_t>(w);
    set.channels = 1;
    set.labels.resize(n);
    set.original_index.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t y = label_file[8 + i];
        if (y >= expect.num_classes)
            fail("{}: label out of range: label {} of example {}, expected 0..{}", labels.string(), y, i,
                 expect.num_classes - 1);
        set.labels[i] = y;
        set.original_index[i] = static_cast<std::int64_t>(i);
    }
    // In place, so the largest file is never held twice.
    image_file.erase(image_file.begin(), image_file.begin() + 16);
    set.pixels = std::move(image_file);
    return set;
}

ImageSet read_idx(const std::filesystem::path& images, const std::filesystem::path& labels,
                  const IdxExpectations& expect) {
    return parse_idx(read_file_bytes(images), read_file_bytes(labels), images, labels, expect);
}

}  // namespace lskd::data
