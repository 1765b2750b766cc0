#include "framework/data/augment.hpp"

#include <algorithm>

#include <tbb/parallel_for.h>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {
namespace {

// Contiguous, unmirrored pixels of a known channel count: constant strides let the compiler unroll the loop.
template <std::int64_t C>
void normalise_contiguous(const std::uint8_t* src, std::int64_t count, const float* table, float* dst) {
    for (std::int64_t x = 0; x < count; ++x)
        for (std::int64_t k = 0; k < C; ++k) dst[x * C + k] = table[k * 256 + src[x * C + k]];
}

// Normalises `count` pixels of `c` channels whose first bytes lie `step` bytes apart (negative when mirrored).
void normalise_pixels(const std::uint8_t* src, std::int64_t step, std::int64_t count, std::int64_t c,
                      const float* table, float* dst) {
    // Grey and RGB sets without a flip, the common cases, take the unrolled path (measured about 1.7x faster).
    if (step == 1 && c == 1) return normalise_contiguous<1>(src, count, table, dst);
    if (step == 3 && c == 3) return normalise_contiguous<3>(src, count, table, dst);
    for (std::int64_t x = 0; x < count; ++x)
        for (std::int64_t k = 0; k < c; ++k) dst[x * c + k] = table[k * 256 + src[x * step + k]];
}

// Padding is a zero byte, i.e. black before normalisation.
void fill_padding(std::int64_t count, std::int64_t c, const float* table, float* dst) {
    for (std::int64_t x = 0; x < count; ++x)
        for (std::int64_t k = 0; k < c; ++k) dst[x * c + k] = table[k * 256];
}

}  // namespace

Augmenter::Augmenter(const ImageSet& set, const AugmentSpec& spec, const Normalization& norm, std::uint64_t seed)
    : set_(&set),
      spec_(spec),
      seed_(seed),
      out_height_(spec.crop != 0 ? spec.crop : set.height),
      out_width_(spec.crop != 0 ? spec.crop : set.width),
      table_(normalization_table(norm)) {
    if (norm.mean.size() != static_cast<std::size_t>(set.channels) || norm.std.size() != norm.mean.size())
        fail("normalisation has {} channels, the images have {}", norm.mean.size(), set.channels);
    if (spec.pad < 0 || spec.crop < 0)
        fail("augmentation: padding ({}) and crop ({}) must not be negative", spec.pad, spec.crop);
    if (out_height_ > set.height + 2 * spec.pad || out_width_ > set.width + 2 * spec.pad)
        fail("augmentation: a {}x{} crop does not fit in a {}x{} image padded by {}", out_height_, out_width_,
             set.height, set.width, spec.pad);
}

void Augmenter::render(std::size_t position, ViewId id, float* out) const {
    LSKD_CHECK(position < set_->size(), "position {} in a set of {}", position, set_->size());
    const std::int64_t h = set_->height, w = set_->width, c = set_->channels, pad = spec_.pad;
    const auto key = hash_keys(
        seed_, {stream::augmentation, id.epoch, static_cast<std::uint64_t>(set_->original_index[position]), id.draw});
    Rng rng(key);
    const auto rows = static_cast<std::uint64_t>(h + 2 * pad - out_height_ + 1);  // possible crop positions
    const auto cols = static_cast<std::uint64_t>(w + 2 * pad - out_width_ + 1);
    // Top-left corner of the crop in source coordinates; it may lie in the padding.
    const std::int64_t top = static_cast<std::int64_t>(rng.below(rows)) - pad;
    const std::int64_t left = static_cast<std::int64_t>(rng.below(cols)) - pad;
    const bool flip = spec_.hflip && (rng.next_u64() >> 63) != 0;

    const std::uint8_t* image = set_->image(position).data();
    const float* table = table_.data();
    // Output columns [lo, hi) show source columns inside the image; the rest show padding, a zero byte.
    const std::int64_t first_inside = flip ? left + out_width_ - w : -left;
    const std::int64_t lo = std::clamp<std::int64_t>(first_inside, 0, out_width_);
    const std::int64_t hi = std::clamp<std::int64_t>(first_inside + w, 0, out_width_);
    for (std::int64_t y = 0; y < out_height_; ++y) {
        float* row = out + y * out_width_ * c;
        const std::int64_t sy = top + y;
        if (sy < 0 || sy >= h || lo == hi) {
            fill_padding(out_width_, c, table, row);
            continue;
        }
        fill_padding(lo, c, table, row);
        const std::uint8_t* src = image + (sy * w + left + (flip ? out_width_ - 1 - lo : lo)) * c;
        normalise_pixels(src, flip ? -c : c, hi - lo, c, table, row + lo * c);
        fill_padding(out_width_ - hi, c, table, row + hi * c);
    }
}

Tensor render_views(const Augmenter& augmenter, std::size_t position, std::span<const ViewId> views) {
    const Shape v = augmenter.view_shape();
    Tensor out = Tensor::empty({static_cast<std::int64_t>(views.size()), v[0], v[1], v[2]});
    const std::size_t floats = augmenter.view_floats();
    tbb::parallel_for(std::size_t{0}, views.size(),
                      [&](std::size_t i) { augmenter.render(position, views[i], out.data() + i * floats); });
    return out;
}

}  // namespace lskd::data
