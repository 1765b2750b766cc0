// torchvision's classification presets on a decoded RGB image, written as normalised float32 HWC (the layout of
// lskd's batches): train = RandomResizedCrop + horizontal flip, eval = Resize(short side) + CenterCrop, both then
// ToTensor and Normalize. Resampling is PIL's bilinear, so a view equals torchvision-on-PIL for the same draws.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/data/image_resample.hpp"
#include "framework/data/normalization.hpp"
#include "framework/data/resized_crop.hpp"
#include "framework/data/rgb_image.hpp"

namespace lskd::data {

// torchvision's ImageNet mean and standard deviation, for models trained (or pretrained) with them.
Normalization imagenet_normalization();

struct TrainTransformSpec {
    std::int64_t size = 224;  // side of the square output
    ResizedCropSpec crop;
    bool hflip = true;  // flip with probability 1/2
};

struct EvalTransformSpec {
    std::int64_t resize = 256;  // the short side after resizing
    std::int64_t crop = 224;    // side of the centre crop; larger than the resized image pads with black
};

// One thread's buffers: reused from image to image.
struct TransformScratch {
    ResampleScratch resample;
    std::vector<std::uint8_t> pixels;
};

class TrainTransform {
public:
    TrainTransform(const TrainTransformSpec& spec, const Normalization& norm);
    std::size_t output_floats() const { return static_cast<std::size_t>(spec_.size * spec_.size * 3); }
    // Draws as torchvision does: the crop's (get_params), then the flip's (torch.rand(1) < 0.5).
    void apply(const RgbView& image, TransformDraws& draws, TransformScratch& scratch, float* out) const;

    // apply() in two halves, for a caller that decodes only the crop: the crop's draws on a width x height image,
    // then the resize of `box` (the crop in `src`'s pixels, fractional when `src` was decoded at a reduced scale)
    // to the output, the flip's draw and the normalisation. With src = the crop itself, equal to apply().
    CropBox draw_crop(std::int64_t width, std::int64_t height, TransformDraws& draws) const;
    void finish(const RgbView& src, const ResampleBox& box, TransformDraws& draws, TransformScratch& scratch,
                float* out) const;

private:
    TrainTransformSpec spec_;
    std::vector<float> table_;
};

// An Error unless resize and crop are 1 to kMaxSide pixels.
void check_eval_transform_spec(const EvalTransformSpec& spec);

// The eval preset before normalisation: Resize(short side) + CenterCrop as 8-bit RGB, spec.crop² × 3 bytes at `out`,
// black (0) where torchvision's CenterCrop pads; the pre-resized images of an in-memory image folder.
void eval_crop_pixels(const RgbView& image, const EvalTransformSpec& spec, ResampleScratch& scratch, std::uint8_t* out);

class EvalTransform {
public:
    EvalTransform(const EvalTransformSpec& spec, const Normalization& norm);
    std::size_t output_floats() const { return static_cast<std::size_t>(spec_.crop * spec_.crop * 3); }
    void apply(const RgbView& image, TransformScratch& scratch, float* out) const;

private:
    EvalTransformSpec spec_;
    std::vector<float> table_;
};

}  // namespace lskd::data
