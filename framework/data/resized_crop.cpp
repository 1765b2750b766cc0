#include "framework/data/resized_crop.hpp"

#include <cmath>

#include "framework/core/error.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {
namespace {

// Python's round() on a double: halves go to the even neighbour, as rint does in the default rounding mode.
std::int64_t round_half_even(double x) { return static_cast<std::int64_t>(std::nearbyint(x)); }

void check_size(std::int64_t width, std::int64_t height) {
    if (width <= 0 || height <= 0) fail("an image of {}x{} pixels has no pixel to crop", width, height);
    if (width > kMaxSide || height > kMaxSide)
        fail("an image of {}x{} pixels is beyond the {} pixels allowed on a side", width, height, kMaxSide);
}

// torchvision's fallback: a centred crop at the allowed ratio nearest the image's own, else the whole image.
CropBox fallback_crop(std::int64_t width, std::int64_t height, const ResizedCropSpec& spec) {
    const double in_ratio = static_cast<double>(width) / static_cast<double>(height);
    std::int64_t w = width, h = height;
    if (in_ratio < spec.ratio_lo)
        h = round_half_even(static_cast<double>(width) / spec.ratio_lo);
    else if (in_ratio > spec.ratio_hi)
        w = round_half_even(static_cast<double>(height) * spec.ratio_hi);
    // Only reachable with a ratio range that excludes 1; torchvision would crop nothing and fail later.
    if (w == 0 || h == 0)
        fail("a {}x{} image has no crop with a width/height ratio in [{}, {}]", width, height, spec.ratio_lo,
             spec.ratio_hi);
    return {(height - h) / 2, (width - w) / 2, h, w};
}

}  // namespace

SeededDraws::SeededDraws(std::uint64_t seed, std::uint64_t epoch, std::uint64_t index, std::uint64_t draw)
    : rng_(hash_keys(seed, {stream::image_transform, epoch, index, draw})) {}

double SeededDraws::uniform(double lo, double hi) {
    const double u = static_cast<double>(rng_.next_u64() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * u;
}

std::int64_t SeededDraws::randint(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(hi - lo)));
}

void check_resized_crop_spec(const ResizedCropSpec& spec) {
    if (!(spec.scale_lo > 0 && spec.scale_lo <= spec.scale_hi && std::isfinite(spec.scale_hi)))
        fail("random resized crop: the scale range [{}, {}] must satisfy 0 < min <= max", spec.scale_lo, spec.scale_hi);
    if (!(spec.ratio_lo > 0 && spec.ratio_lo <= spec.ratio_hi && std::isfinite(spec.ratio_hi)))
        fail("random resized crop: the ratio range [{}, {}] must satisfy 0 < min <= max", spec.ratio_lo, spec.ratio_hi);
}

CropBox resized_crop_params(std::int64_t width, std::int64_t height, const ResizedCropSpec& spec,
                            TransformDraws& draws) {
    check_size(width, height);
    check_resized_crop_spec(spec);
    const double area = static_cast<double>(width * height);
    // torchvision takes the log of the ratios, and the exp of the drawn log-ratio, in float32.
    const float log_lo = std::log(static_cast<float>(spec.ratio_lo));
    const float log_hi = std::log(static_cast<float>(spec.ratio_hi));
    for (int attempt = 0; attempt < 10; ++attempt) {
        const double target_area = area * draws.uniform(spec.scale_lo, spec.scale_hi);
        const double ratio = std::exp(static_cast<float>(draws.uniform(log_lo, log_hi)));
        // Compared as doubles before the conversion, which a huge or NaN side would make undefined.
        const double w = std::nearbyint(std::sqrt(target_area * ratio));
        const double h = std::nearbyint(std::sqrt(target_area / ratio));
        if (0 < w && w <= static_cast<double>(width) && 0 < h && h <= static_cast<double>(height)) {
            const auto crop_w = static_cast<std::int64_t>(w), crop_h = static_cast<std::int64_t>(h);
            const std::int64_t top = draws.randint(0, height - crop_h + 1);
            const std::int64_t left = draws.randint(0, width - crop_w + 1);
            return {top, left, crop_h, crop_w};
        }
    }
    return fallback_crop(width, height, spec);
}

CropBox center_crop_box(std::int64_t width, std::int64_t height, std::int64_t crop_width, std::int64_t crop_height) {
    check_size(width, height);
    if (crop_width <= 0 || crop_height <= 0 || crop_width > kMaxSide || crop_height > kMaxSide)
        fail("a centre crop of {}x{} pixels is empty or beyond {} pixels a side", crop_width, crop_height, kMaxSide);
    const auto offset = [](std::int64_t image, std::int64_t crop) {
        return crop > image ? -((crop - image) / 2) : round_half_even(static_cast<double>(image - crop) / 2.0);
    };
    return {offset(height, crop_height), offset(width, crop_width), crop_height, crop_width};
}

ImageSize resize_short_side(std::int64_t width, std::int64_t height, std::int64_t size) {
    check_size(width, height);
    if (size <= 0 || size > kMaxSide) fail("resize: the short side must become 1 to {} pixels, not {}", kMaxSide, size);
    const bool portrait = width <= height;
    const std::int64_t short_side = portrait ? width : height, long_side = portrait ? height : width;
    const auto new_long =
        static_cast<std::int64_t>(static_cast<double>(size * long_side) / static_cast<double>(short_side));
    return portrait ? ImageSize{size, new_long} : ImageSize{new_long, size};
}

}  // namespace lskd::data
