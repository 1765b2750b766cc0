// torchvision 0.14's crop geometry, reproduced exactly: RandomResizedCrop.get_params (10 tries, then the centre
// fallback), CenterCrop's offsets and Resize(short side)'s output size. Random draws come through TransformDraws, so
// lskd draws from (seed, epoch, index) while a test replays the draws torchvision made.
#pragma once
#include <cstdint>

#include "framework/core/random.hpp"
#include "framework/data/rgb_image.hpp"

namespace lskd::data {

// The random numbers an image transform asks for, in the order torchvision asks for them.
class TransformDraws {
public:
    virtual ~TransformDraws() = default;
    // As torch.empty(1).uniform_(lo, hi).item() and torch.rand(1) (lo = 0, hi = 1).
    virtual double uniform(double lo, double hi) = 0;
    // As torch.randint(lo, hi, (1,)).item(): an integer in [lo, hi).
    virtual std::int64_t randint(std::int64_t lo, std::int64_t hi) = 0;
};

// lskd's draws for one view of one example: a pure function of (seed, epoch, original index, draw).
class SeededDraws final : public TransformDraws {
public:
    SeededDraws(std::uint64_t seed, std::uint64_t epoch, std::uint64_t index, std::uint64_t draw = 0);
    double uniform(double lo, double hi) override;
    std::int64_t randint(std::int64_t lo, std::int64_t hi) override;

private:
    Rng rng_;
};

// A crop as torchvision's (i, j, h, w): top row, left column, height, width.
struct CropBox {
    std::int64_t top = 0;
    std::int64_t left = 0;
    std::int64_t height = 0;
    std::int64_t width = 0;
    bool operator==(const CropBox&) const = default;
};

struct ResizedCropSpec {
    double scale_lo = 0.08;  // share of the image's area
    double scale_hi = 1.0;
    double ratio_lo = 3.0 / 4.0;  // width / height
    double ratio_hi = 4.0 / 3.0;
};

// An Error unless 0 < scale_lo <= scale_hi and 0 < ratio_lo <= ratio_hi, all finite (torchvision only warns).
void check_resized_crop_spec(const ResizedCropSpec& spec);

// RandomResizedCrop.get_params for a width x height image.
CropBox resized_crop_params(std::int64_t width, std::int64_t height, const ResizedCropSpec& spec,
                            TransformDraws& draws);

// CenterCrop's box; when the crop is larger than the image, the offset is negative where torchvision pads with
// zeros ((crop - image) // 2 on the left and top).
CropBox center_crop_box(std::int64_t width, std::int64_t height, std::int64_t crop_width, std::int64_t crop_height);

// Resize(size) with one int: the short side becomes `size`, the long one int(size * long / short).
ImageSize resize_short_side(std::int64_t width, std::int64_t height, std::int64_t size);

}  // namespace lskd::data
