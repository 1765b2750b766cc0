#include "framework/data/image_transforms.hpp"

#include <algorithm>

#include "framework/core/error.hpp"

namespace lskd::data {
namespace {

std::vector<float> rgb_table(const Normalization& norm) {
    if (norm.mean.size() != 3 || norm.std.size() != 3)
        fail("image transforms: the normalisation has {} means and {} deviations, RGB needs 3 of each",
             norm.mean.size(), norm.std.size());
    return normalization_table(norm);
}

// Normalises `count` RGB pixels (read right to left when mirrored) into HWC floats.
void normalise_row(const std::uint8_t* src, std::int64_t count, bool mirrored, const float* table, float* dst) {
    for (std::int64_t x = 0; x < count; ++x) {
        const std::uint8_t* p = src + 3 * (mirrored ? count - 1 - x : x);
        for (int c = 0; c < 3; ++c) dst[3 * x + c] = table[c * 256 + p[c]];
    }
}

}  // namespace

Normalization imagenet_normalization() { return {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}}; }

TrainTransform::TrainTransform(const TrainTransformSpec& spec, const Normalization& norm)
    : spec_(spec), table_(rgb_table(norm)) {
    if (spec.size <= 0 || spec.size > kMaxSide)
        fail("train transform: the output size must be 1 to {} pixels, not {}", kMaxSide, spec.size);
    check_resized_crop_spec(spec.crop);
}

void TrainTransform::apply(const RgbView& image, TransformDraws& draws, TransformScratch& scratch, float* out) const {
    const CropBox box = draw_crop(image.width, image.height, draws);
    const RgbView region = image.crop(box.left, box.top, box.width, box.height);
    finish(region, ResampleBox::whole(region), draws, scratch, out);
}

CropBox TrainTransform::draw_crop(std::int64_t width, std::int64_t height, TransformDraws& draws) const {
    return resized_crop_params(width, height, spec_.crop, draws);
}

void TrainTransform::finish(const RgbView& src, const ResampleBox& box, TransformDraws& draws,
                            TransformScratch& scratch, float* out) const {
    const std::int64_t size = spec_.size;
    scratch.pixels.resize(static_cast<std::size_t>(size * size * 3));
    resize_bilinear(src, box, {size, size}, {0, 0, size, size}, scratch.pixels.data(), size * 3, scratch.resample);
    const bool mirrored = spec_.hflip && draws.uniform(0.0, 1.0) < 0.5;
    for (std::int64_t y = 0; y < size; ++y)
        normalise_row(scratch.pixels.data() + y * size * 3, size, mirrored, table_.data(), out + y * size * 3);
}

void check_eval_transform_spec(const EvalTransformSpec& spec) {
    if (spec.resize <= 0 || spec.crop <= 0 || spec.resize > kMaxSide || spec.crop > kMaxSide)
        fail("eval transform: resize ({}) and crop ({}) must be 1 to {} pixels", spec.resize, spec.crop, kMaxSide);
}

void eval_crop_pixels(const RgbView& image, const EvalTransformSpec& spec, ResampleScratch& scratch,
                      std::uint8_t* out) {
    const ImageSize resized = resize_short_side(image.width, image.height, spec.resize);
    const CropBox box = center_crop_box(resized.width, resized.height, spec.crop, spec.crop);
    // Only the crop's pixels inside the resized image are resampled; the rest is torchvision's padding.
    const std::int64_t left = std::max<std::int64_t>(box.left, 0), top = std::max<std::int64_t>(box.top, 0);
    const OutputWindow window{left, top, std::min(box.left + box.width, resized.width) - left,
                              std::min(box.top + box.height, resized.height) - top};
    const std::int64_t side = spec.crop, pad_left = left - box.left, pad_top = top - box.top;
    if (window.width < side || window.height < side) std::fill(out, out + side * side * 3, std::uint8_t{0});
    resize_bilinear(image, ResampleBox::whole(image), resized, window, out + (pad_top * side + pad_left) * 3, side * 3,
                    scratch);
}

EvalTransform::EvalTransform(const EvalTransformSpec& spec, const Normalization& norm)
    : spec_(spec), table_(rgb_table(norm)) {
    check_eval_transform_spec(spec);
}

void EvalTransform::apply(const RgbView& image, TransformScratch& scratch, float* out) const {
    const std::int64_t side = spec_.crop;
    scratch.pixels.resize(static_cast<std::size_t>(side * side * 3));
    eval_crop_pixels(image, spec_, scratch.resample, scratch.pixels.data());
    for (std::int64_t y = 0; y < side; ++y)
        normalise_row(scratch.pixels.data() + y * side * 3, side, false, table_.data(), out + y * side * 3);
}

}  // namespace lskd::data
