#include "framework/data/image_resample.hpp"

#include <algorithm>
#include <cmath>

#include "framework/core/error.hpp"

namespace lskd::data {
namespace {

// Pillow's PRECISION_BITS for 8-bit images: 32 - 8 - 2 bits of fraction leave room for the sum and its sign.
constexpr int kPrecisionBits = 22;
constexpr std::int32_t kHalf = 1 << (kPrecisionBits - 1);

double triangle(double x) {
    x = std::abs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

std::uint8_t clip8(std::int32_t sum) {
    return static_cast<std::uint8_t>(std::clamp<std::int32_t>(sum >> kPrecisionBits, 0, 255));
}

void check_geometry(const RgbView& src, const ResampleBox& box, ImageSize out, const OutputWindow& w) {
    if (src.width <= 0 || src.height <= 0)
        fail("resize: the source image of {}x{} pixels is empty", src.width, src.height);
    // Written so that a NaN fails too.
    if (!(box.left >= 0 && box.top >= 0 && box.right <= static_cast<float>(src.width) &&
          box.bottom <= static_cast<float>(src.height) && box.left <= box.right && box.top <= box.bottom))
        fail("resize: the box ({}, {}, {}, {}) is not inside the {}x{} image", box.left, box.top, box.right, box.bottom,
             src.width, src.height);
    if (out.width <= 0 || out.height <= 0 || out.width > kMaxSide || out.height > kMaxSide)
        fail("resize: the output size {}x{} is empty or beyond {} pixels a side", out.width, out.height, kMaxSide);
    if (w.left < 0 || w.top < 0 || w.width <= 0 || w.height <= 0 || w.left + w.width > out.width ||
        w.top + w.height > out.height)
        fail("resize: the window {}x{} at ({}, {}) is not inside the {}x{} output", w.width, w.height, w.left, w.top,
             out.width, out.height);
}

// Rows [first, last) of the source, horizontally resampled into scratch.intermediate.
void horizontal_pass(const RgbView& src, std::int64_t first, std::int64_t last, ResampleScratch& s) {
    const AxisWeights& cols = s.columns;
    const std::int64_t width = cols.outputs();
    s.intermediate.resize(static_cast<std::size_t>((last - first) * width * 3));
    for (std::int64_t y = first; y < last; ++y) {
        const std::uint8_t* in = src.row(y);
        std::uint8_t* out = s.intermediate.data() + (y - first) * width * 3;
        for (std::int64_t x = 0; x < width; ++x) {
            const std::uint8_t* p = in + cols.first(x) * 3;
            const std::int32_t* k = cols.weights(x);
            std::int32_t r = kHalf, g = kHalf, b = kHalf;
            for (std::int64_t i = 0; i < cols.count(x); ++i) {
                r += p[3 * i] * k[i];
                g += p[3 * i + 1] * k[i];
                b += p[3 * i + 2] * k[i];
            }
            out[3 * x] = clip8(r);
            out[3 * x + 1] = clip8(g);
            out[3 * x + 2] = clip8(b);
        }
    }
}

// Output rows from the intermediate, whose row 0 is source row `first`.
void vertical_pass(std::int64_t first, std::uint8_t* out, std::int64_t out_stride, ResampleScratch& s) {
    const AxisWeights& rows = s.rows;
    const std::int64_t values = s.columns.outputs() * 3;
    s.sums.resize(static_cast<std::size_t>(values));
    for (std::int64_t y = 0; y < rows.outputs(); ++y) {
        std::fill(s.sums.begin(), s.sums.end(), kHalf);
        const std::int32_t* k = rows.weights(y);
        for (std::int64_t i = 0; i < rows.count(y); ++i) {
            const std::uint8_t* in = s.intermediate.data() + (rows.first(y) + i - first) * values;
            for (std::int64_t v = 0; v < values; ++v) s.sums[static_cast<std::size_t>(v)] += in[v] * k[i];
        }
        std::uint8_t* row = out + y * out_stride;
        for (std::int64_t v = 0; v < values; ++v) row[v] = clip8(s.sums[static_cast<std::size_t>(v)]);
    }
}

}  // namespace

void AxisWeights::prepare(std::int64_t in_size, float lo, float hi, std::int64_t out_size, std::int64_t out_first,
                          std::int64_t out_count) {
    const Key key{in_size, out_size, out_first, out_count, lo, hi};
    if (key == key_) return;
    key_ = key;
    // Pillow subtracts the box ends in float and widens the filter by the reduction factor when shrinking.
    const double scale = static_cast<double>(hi - lo) / static_cast<double>(out_size);
    const double filter_scale = std::max(scale, 1.0);
    const double support = filter_scale;  // the triangle's support is 1
    ksize_ = static_cast<std::int64_t>(std::ceil(support)) * 2 + 1;
    first_.resize(static_cast<std::size_t>(out_count));
    count_.resize(static_cast<std::size_t>(out_count));
    weights_.assign(static_cast<std::size_t>(out_count * ksize_), 0);
    raw_.resize(static_cast<std::size_t>(ksize_));
    for (std::int64_t k = 0; k < out_count; ++k) {
        const double center = static_cast<double>(lo) + (static_cast<double>(out_first + k) + 0.5) * scale;
        compute_one(k, center, support, 1.0 / filter_scale, in_size);
    }
}

void AxisWeights::compute_one(std::int64_t k, double center, double support, double inv_scale, std::int64_t in_size) {
    // C's (int) truncation, then clamping to the image, exactly as Pillow rounds the window's ends.
    const std::int64_t lo = std::max<std::int64_t>(static_cast<int>(center - support + 0.5), 0);
    const std::int64_t hi = std::min<std::int64_t>(static_cast<int>(center + support + 0.5), in_size);
    const std::int64_t n = hi - lo;
    double total = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
        const auto at = static_cast<double>(static_cast<int>(i + lo));
        raw_[static_cast<std::size_t>(i)] = triangle((at - center + 0.5) * inv_scale);
        total += raw_[static_cast<std::size_t>(i)];
    }
    std::int32_t* w = weights_.data() + k * ksize_;
    for (std::int64_t i = 0; i < n; ++i) {
        const double normalised = total != 0.0 ? raw_[static_cast<std::size_t>(i)] / total
                                               : raw_[static_cast<std::size_t>(i)];
        w[i] = static_cast<std::int32_t>(0.5 + normalised * (1 << kPrecisionBits));  // never negative
    }
    first_[static_cast<std::size_t>(k)] = lo;
    count_[static_cast<std::size_t>(k)] = n;
}

void resize_bilinear(const RgbView& src, const ResampleBox& box, ImageSize out, const OutputWindow& window,
                     std::uint8_t* out_pixels, std::int64_t out_stride, ResampleScratch& scratch) {
    check_geometry(src, box, out, window);
    scratch.columns.prepare(src.width, box.left, box.right, out.width, window.left, window.width);
    scratch.rows.prepare(src.height, box.top, box.bottom, out.height, window.top, window.height);
    const AxisWeights& rows = scratch.rows;
    const std::int64_t last = rows.outputs() - 1;
    // Only the source rows the vertical pass reads are resampled horizontally (the first and last windows bound them).
    const std::int64_t first_row = rows.first(0), end_row = rows.first(last) + rows.count(last);
    horizontal_pass(src, first_row, end_row, scratch);
    vertical_pass(first_row, out_pixels, out_stride, scratch);
}

RgbImage resize_bilinear(const RgbView& src, const ResampleBox& box, ImageSize out) {
    RgbImage image{out.width, out.height, {}};
    check_geometry(src, box, out, {0, 0, out.width, out.height});
    image.pixels.resize(static_cast<std::size_t>(out.width * out.height * 3));
    ResampleScratch scratch;
    resize_bilinear(src, box, out, {0, 0, out.width, out.height}, image.pixels.data(), out.width * 3, scratch);
    return image;
}

}  // namespace lskd::data
