// Pillow's Image.resize(size, BILINEAR, box) of an RGB u8 image, reproduced to the bit: a separable antialiased
// triangle filter whose support grows with the reduction factor, horizontal pass first into an 8-bit intermediate,
// Pillow's 22-bit fixed-point weights and rounding. Weights are kept per axis and reused while the geometry repeats.
#pragma once
#include <cstdint>
#include <vector>

#include "framework/data/rgb_image.hpp"

namespace lskd::data {

// The source rectangle in the view's pixel coordinates; float, since Pillow keeps the box as float.
struct ResampleBox {
    float left = 0, top = 0, right = 0, bottom = 0;

    static ResampleBox whole(const RgbView& v) {
        return {0.0f, 0.0f, static_cast<float>(v.width), static_cast<float>(v.height)};
    }
};

// The output pixels to compute, e.g. a centre crop of the resized image; the others are never computed, and the
// computed ones equal those of the whole resize.
struct OutputWindow {
    std::int64_t left = 0, top = 0, width = 0, height = 0;
};

// Fixed-point weights of one axis: output pixel k of the window reads count(k) inputs from first(k).
class AxisWeights {
public:
    void prepare(std::int64_t in_size, float lo, float hi, std::int64_t out_size, std::int64_t out_first,
                 std::int64_t out_count);

    std::int64_t first(std::int64_t k) const { return first_[static_cast<std::size_t>(k)]; }
    std::int64_t count(std::int64_t k) const { return count_[static_cast<std::size_t>(k)]; }
    const std::int32_t* weights(std::int64_t k) const { return weights_.data() + k * ksize_; }
    std::int64_t outputs() const { return static_cast<std::int64_t>(first_.size()); }

private:
    struct Key {
        std::int64_t in_size = -1, out_size = 0, out_first = 0, out_count = 0;
        float lo = 0, hi = 0;
        bool operator==(const Key&) const = default;
    };
    void compute_one(std::int64_t k, double center, double support, double inv_scale, std::int64_t in_size);

    Key key_;
    std::int64_t ksize_ = 0;
    std::vector<std::int64_t> first_, count_;
    std::vector<std::int32_t> weights_;
    std::vector<double> raw_;  // one output's weights before fixed point
};

// Per-thread state of resize_bilinear: after the first image of a geometry, no allocation.
struct ResampleScratch {
    AxisWeights columns;
    AxisWeights rows;
    std::vector<std::uint8_t> intermediate;  // the horizontal pass's rows
    std::vector<std::int32_t> sums;          // one output row of the vertical pass
};

// Writes the window of Image.resize((out.width, out.height), BILINEAR, box) of `src` to `out` (HWC, rows
// `out_stride` bytes apart). The box lies inside the view and is not empty; pixels outside the view are never
// read: to resize a crop as torchvision does (crop, then resize), pass the crop as the view.
void resize_bilinear(const RgbView& src, const ResampleBox& box, ImageSize out, const OutputWindow& window,
                     std::uint8_t* out_pixels, std::int64_t out_stride, ResampleScratch& scratch);

// The whole output, allocated.
RgbImage resize_bilinear(const RgbView& src, const ResampleBox& box, ImageSize out);

}  // namespace lskd::data
