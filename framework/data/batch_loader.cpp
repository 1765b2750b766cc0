#include "framework/data/batch_loader.hpp"

#include <algorithm>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"

namespace lskd::data {

BatchLoader::BatchLoader(const ImageSet& set, const Normalization& norm, const LoaderSpec& spec)
    : augmenter_(set, spec.augment, norm, spec.seed), spec_(spec) {
    if (spec.batch_size == 0) fail("batch size must be positive");
}

void BatchLoader::begin_epoch(std::uint64_t epoch) {
    order_ = epoch_order(augmenter_.set().size(), spec_.shuffle, spec_.seed, epoch);
    epoch_ = epoch;
    started_ = true;
    cursor_ = 0;
}

std::size_t BatchLoader::batches_per_epoch() const {
    return batches_in_epoch(augmenter_.set().size(), spec_.batch_size, spec_.drop_last);
}

bool BatchLoader::next(Batch& batch) {
    if (!started_) fail("BatchLoader::next called before begin_epoch");
    const std::size_t n = std::min(spec_.batch_size, order_.size() - cursor_);
    if (n == 0 || (n < spec_.batch_size && spec_.drop_last)) {
        cursor_ = order_.size();
        return false;
    }
    const Shape view = augmenter_.view_shape();
    const Shape shape{static_cast<std::int64_t>(n), view[0], view[1], view[2]};
    if (!batch.images.defined() || batch.images.shape() != shape || !batch.images.unique())
        batch.images = Tensor::empty(shape);
    batch.labels.resize(n);
    batch.indices.resize(n);

    const ImageSet& set = augmenter_.set();
    const std::size_t floats = augmenter_.view_floats();
    const std::size_t* positions = order_.data() + cursor_;
    float* out = batch.images.data();
    // Small grains: one example is about a microsecond of work, and the batch must spread over both cores.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 8), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
            const std::size_t p = positions[i];
            augmenter_.render(p, {epoch_, 0}, out + i * floats);
            batch.labels[i] = set.labels[p];
            batch.indices[i] = set.original_index[p];
        }
    });
    cursor_ += n;
    return true;
}

}  // namespace lskd::data
