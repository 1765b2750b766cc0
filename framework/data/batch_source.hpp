// BatchSource: what a training task draws its batches from, whether the images sit decoded in memory
// (BatchLoader) or are decoded from files as they are needed (FolderStream). A batch is a pure function of
// (seed, epoch, position in the epoch): how a source schedules its work never shows in what it hands out.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/tensor/tensor.hpp"

namespace lskd::data {

struct Batch {
    Tensor images;                      // [n, H, W, C]
    std::vector<std::int32_t> labels;   // n
    std::vector<std::int64_t> indices;  // n original indices
    std::size_t size() const { return labels.size(); }
};

class BatchSource {
public:
    virtual ~BatchSource() = default;

    virtual void begin_epoch(std::uint64_t epoch) = 0;
    // Fills `batch` with the next batch of the epoch, reusing its storage when no one else holds it; false at the
    // end of the epoch.
    virtual bool next(Batch& batch) = 0;
    // The batches of a whole epoch (a stream that skips bad images may hand out fewer).
    virtual std::size_t batches_per_epoch() const = 0;
    // One example's [H, W, C].
    virtual Shape example_shape() const = 0;
};

// The order of an epoch's n examples: a permutation drawn from (seed, epoch) when shuffled, else 0..n−1. Every
// source uses it, so one seed walks any source's examples in the same order.
std::vector<std::size_t> epoch_order(std::size_t n, bool shuffle, std::uint64_t seed, std::uint64_t epoch);

// Batches of `batch` examples in an epoch of n, the last partial one kept unless drop_last.
inline std::size_t batches_in_epoch(std::size_t n, std::size_t batch, bool drop_last) {
    return drop_last ? n / batch : (n + batch - 1) / batch;
}

}  // namespace lskd::data
