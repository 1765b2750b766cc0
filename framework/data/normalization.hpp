// Per-channel mean and standard deviation of pixel/255, computed on the training split only; a model sees
// (pixel/255 - mean) / std. Exact integer sums make the result independent of the thread count.
#pragma once
#include <vector>

#include "framework/data/image_set.hpp"

namespace lskd::data {

struct Normalization {
    std::vector<float> mean;  // one per channel
    std::vector<float> std;
};

Normalization compute_normalization(const ImageSet& train);

// The normalised value of each byte value in each channel, indexed [channel * 256 + byte], so that
// normalising a pixel is one lookup.
std::vector<float> normalization_table(const Normalization& norm);

}  // namespace lskd::data
