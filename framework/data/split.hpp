// Carves a validation split out of a training set: `val_size` examples chosen by seed leave the training set;
// both keep their original order and original indices. The test set is never touched here.
#pragma once
#include <cstddef>
#include <cstdint>

#include "framework/data/image_set.hpp"

namespace lskd::data {

struct TrainValSplit {
    ImageSet train;
    ImageSet val;
};

TrainValSplit split_validation(const ImageSet& train, std::size_t val_size, std::uint64_t seed);

}  // namespace lskd::data
