// Augmentation as a pure function: view (epoch, draw) of an example is decided by (seed, epoch, original index,
// draw) alone, so it does not depend on thread count or batch order and can be regenerated exactly later.
// A view is a random crop of the zero-padded image (pad then crop = shift), maybe mirrored, then normalised.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "framework/data/image_set.hpp"
#include "framework/data/normalization.hpp"
#include "framework/tensor/tensor.hpp"

namespace lskd::data {

struct AugmentSpec {
    int pad = 0;         // zero padding on every side before cropping
    int crop = 0;        // side of the square crop; 0 keeps the image's own height and width
    bool hflip = false;  // mirror left-right with probability 1/2

    static AugmentSpec none() { return {}; }
    static AugmentSpec shift(int pixels) { return {pixels, 0, false}; }
};

// Which view of an example: the batch loader's view in epoch e is {e, 0}; other draws give further views of the
// same example (e.g. L views for the mutual-information analysis).
struct ViewId {
    std::uint64_t epoch = 0;
    std::uint64_t draw = 0;
};

class Augmenter {
public:
    // Keeps a reference to `set`, which must outlive the augmenter.
    Augmenter(const ImageSet& set, const AugmentSpec& spec, const Normalization& norm, std::uint64_t seed);

    const ImageSet& set() const { return *set_; }
    Shape view_shape() const { return {out_height_, out_width_, set_->channels}; }  // [H, W, C]
    std::size_t view_floats() const { return static_cast<std::size_t>(view_shape().numel()); }

    // Writes view `id` of the example at `position` as HWC float32 into `out` (view_floats() values).
    void render(std::size_t position, ViewId id, float* out) const;

private:
    const ImageSet* set_;
    AugmentSpec spec_;
    std::uint64_t seed_;
    std::int64_t out_height_;
    std::int64_t out_width_;
    std::vector<float> table_;  // normalised value of each byte value per channel
};

// The given views of one example as [L, H, W, C], rendered in parallel with TBB; no oneDNN may run meanwhile.
Tensor render_views(const Augmenter& augmenter, std::size_t position, std::span<const ViewId> views);

}  // namespace lskd::data
