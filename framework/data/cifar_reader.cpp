#include "framework/data/cifar_reader.hpp"

#include <cstdint>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "framework/core/error.hpp"
#include "framework/data/file_bytes.hpp"

namespace lskd::data {
namespace {

constexpr std::size_t kSide = 32;
constexpr std::size_t kPlane = kSide * kSide;
constexpr std::size_t kPixels = 3 * kPlane;

struct Layout {
    const char* name;
    std::size_t label_bytes;
    // Valid label ranges of each label byte, in record order.
    std::uint8_t limits[2];
};

Layout layout_of(CifarKind kind) {
    if (kind == CifarKind::cifar10) return {"CIFAR-10 (1 label byte + 3072 pixel bytes)", 1, {10, 0}};
    return {"CIFAR-100 (coarse and fine label bytes + 3072 pixel bytes)", 2, {20, 100}};
}

}  // namespace

void append_cifar(ImageSet& set, std::span<const std::uint8_t> bytes, const std::filesystem::path& file,
                  CifarKind kind) {
    LSKD_CHECK(set.height == 32 && set.width == 32 && set.channels == 3, "appending CIFAR records to a {}x{}x{} set",
               set.height, set.width, set.channels);
    const Layout layout = layout_of(kind);
    const std::size_t record = layout.label_bytes + kPixels;
    if (bytes.size() % record != 0)
        fail(
            "{}: truncated or not {}: {} bytes is not a whole number of {}-byte records ({} whole, {} bytes left over)",
            file.string(), layout.name, bytes.size(), record, bytes.size() / record, bytes.size() % record);
    const std::size_t n = bytes.size() / record;
    const std::size_t first = set.size();
    // Every label is checked before anything is appended, so a bad file leaves `set` as it was.
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t b = 0; b < layout.label_bytes; ++b) {
            const std::uint8_t y = bytes[i * record + b];
            if (y >= layout.limits[b])
                fail("{}: label out of range: {}label {} of record {}, expected 0..{}", file.string(),
                     layout.label_bytes == 1 ? "" : (b == 0 ? "coarse " : "fine "), y, i, layout.limits[b] - 1);
        }
    for (std::size_t i = 0; i < n; ++i) {
        set.labels.push_back(bytes[i * record + layout.label_bytes - 1]);
        set.original_index.push_back(static_cast<std::int64_t>(first + i));
    }
    set.pixels.resize((first + n) * kPixels);
    std::uint8_t* out = set.pixels.data() + first * kPixels;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 64), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
            const std::uint8_t* chw = bytes.data() + i * record + layout.label_bytes;
            std::uint8_t* hwc = out + i * kPixels;
            for (std::size_t p = 0; p < kPlane; ++p)
                for (std::size_t c = 0; c < 3; ++c) hwc[p * 3 + c] = chw[c * kPlane + p];
        }
    });
}

ImageSet read_cifar(std::span<const std::filesystem::path> files, CifarKind kind) {
    const std::size_t record = layout_of(kind).label_bytes + kPixels;
    ImageSet set;
    set.height = kSide;
    set.width = kSide;
    set.channels = 3;
    for (const auto& file : files) {
        const std::vector<std::uint8_t> bytes = read_file_bytes(file);
        // The batches of one split are of equal size, so the first tells how much room all of them need.
        if (set.size() == 0) {
            const std::size_t estimate = bytes.size() / record * files.size();
            set.pixels.reserve(estimate * kPixels);
            set.labels.reserve(estimate);
            set.original_index.reserve(estimate);
        }
        append_cifar(set, bytes, file, kind);
    }
    return set;
}

}  // namespace lskd::data
