#include "framework/data/image_set.hpp"

#include <cstring>

#include "framework/core/error.hpp"

namespace lskd::data {

ImageSet take(const ImageSet& set, std::span<const std::size_t> positions) {
    ImageSet out;
    out.height = set.height;
    out.width = set.width;
    out.channels = set.channels;
    const std::size_t bytes = set.image_bytes();
    out.pixels.resize(positions.size() * bytes);
    out.labels.reserve(positions.size());
    out.original_index.reserve(positions.size());
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const std::size_t p = positions[i];
        LSKD_CHECK(p < set.size(), "position {} in a set of {}", p, set.size());
        if (bytes != 0) std::memcpy(out.pixels.data() + i * bytes, set.pixels.data() + p * bytes, bytes);
        out.labels.push_back(set.labels[p]);
        out.original_index.push_back(set.original_index[p]);
    }
    return out;
}

std::vector<std::size_t> class_counts(std::span<const std::int32_t> labels, int num_classes) {
    std::vector<std::size_t> counts(static_cast<std::size_t>(num_classes), 0);
    for (std::int32_t y : labels) {
        LSKD_CHECK(y >= 0 && y < num_classes, "label {} outside [0, {})", y, num_classes);
        ++counts[static_cast<std::size_t>(y)];
    }
    return counts;
}

}  // namespace lskd::data
