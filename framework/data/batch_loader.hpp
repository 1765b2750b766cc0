// A BatchSource over an ImageSet in memory: batches of NHWC float32 images with labels and original indices. The
// epoch order is shuffled from (seed, epoch); example i is augmented as view {epoch, 0}; the last partial batch is kept
// unless drop_last. Each batch is assembled with TBB inside next(), i.e. between training steps, so it never runs while
// oneDNN's OpenMP threads do: a batch of 128 28x28 images costs about 0.2 ms of CPU, too little beside a 5-10 ms
// step to be worth overlapping on two cores, where any overlap would compete with the step.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/data/augment.hpp"
#include "framework/data/batch_source.hpp"
#include "framework/data/image_set.hpp"
#include "framework/data/normalization.hpp"
#include "framework/tensor/tensor.hpp"

namespace lskd::data {

struct LoaderSpec {
    std::size_t batch_size = 128;
    bool shuffle = true;
    bool drop_last = false;
    AugmentSpec augment;  // AugmentSpec::none() for evaluation
    std::uint64_t seed = 0;
};

class BatchLoader final : public BatchSource {
public:
    // Keeps a reference to `set`, which must outlive the loader.
    BatchLoader(const ImageSet& set, const Normalization& norm, const LoaderSpec& spec);

    void begin_epoch(std::uint64_t epoch) override;
    bool next(Batch& batch) override;
    std::size_t batches_per_epoch() const override;
    Shape example_shape() const override { return augmenter_.view_shape(); }
    // Regenerates exactly the views this loader hands out (see render_views).
    const Augmenter& augmenter() const { return augmenter_; }

private:
    Augmenter augmenter_;
    LoaderSpec spec_;
    std::uint64_t epoch_ = 0;
    bool started_ = false;
    std::vector<std::size_t> order_;  // positions in the set, in this epoch's order
    std::size_t cursor_ = 0;
};

}  // namespace lskd::data
