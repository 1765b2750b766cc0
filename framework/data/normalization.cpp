#include "framework/data/normalization.hpp"

#include <cmath>
#include <cstdint>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "framework/core/error.hpp"

namespace lskd::data {
namespace {

struct Sums {
    std::vector<std::uint64_t> sum, sum_sq;  // per channel, exact
};

}  // namespace

Normalization compute_normalization(const ImageSet& train) {
    if (train.size() == 0) fail("cannot compute the normalisation: the training split is empty");
    const auto channels = static_cast<std::size_t>(train.channels);
    const std::size_t pixels = train.pixels.size() / channels;
    const Sums zero{std::vector<std::uint64_t>(channels, 0), std::vector<std::uint64_t>(channels, 0)};
    const Sums total = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, pixels, 1 << 16), zero,
        [&](const tbb::blocked_range<std::size_t>& r, Sums acc) {
            for (std::size_t p = r.begin(); p != r.end(); ++p)
                for (std::size_t c = 0; c < channels; ++c) {
                    const std::uint64_t v = train.pixels[p * channels + c];
                    acc.sum[c] += v;
                    acc.sum_sq[c] += v * v;
                }
            return acc;
        },
        [&](Sums a, const Sums& b) {
            for (std::size_t c = 0; c < channels; ++c) {
                a.sum[c] += b.sum[c];
                a.sum_sq[c] += b.sum_sq[c];
            }
            return a;
        });
    Normalization norm;
    for (std::size_t c = 0; c < channels; ++c) {
        // n * sum_sq - sum^2 in exact 128-bit arithmetic, so the variance loses nothing to cancellation.
        const unsigned __int128 n = pixels;
        const unsigned __int128 spread =
            n * total.sum_sq[c] - static_cast<unsigned __int128>(total.sum[c]) * total.sum[c];
        if (spread == 0)
            fail("cannot normalise: channel {} of the training split has the same value in every pixel", c);
        const double scale = static_cast<double>(pixels) * 255.0;
        norm.mean.push_back(static_cast<float>(static_cast<double>(total.sum[c]) / scale));
        norm.std.push_back(static_cast<float>(std::sqrt(static_cast<double>(spread)) / scale));
    }
    return norm;
}

std::vector<float> normalization_table(const Normalization& norm) {
    std::vector<float> table(norm.mean.size() * 256);
    for (std::size_t c = 0; c < norm.mean.size(); ++c)
        for (int v = 0; v < 256; ++v)
            table[c * 256 + static_cast<std::size_t>(v)] =
                (static_cast<float>(v) / 255.0f - norm.mean[c]) / norm.std[c];
    return table;
}

}  // namespace lskd::data
