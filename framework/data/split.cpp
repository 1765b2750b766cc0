#include "framework/data/split.hpp"

#include <algorithm>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {

TrainValSplit split_validation(const ImageSet& train, std::size_t val_size, std::uint64_t seed) {
    if (val_size > train.size())
        fail("validation split of {} examples is larger than the training set ({} examples)", val_size, train.size());
    std::vector<std::size_t> order = seeded_permutation(train.size(), hash_keys(seed, {stream::validation_split}));
    const auto cut = order.begin() + static_cast<std::ptrdiff_t>(val_size);
    std::sort(order.begin(), cut);
    std::sort(cut, order.end());
    return {take(train, std::span(cut, order.end())), take(train, std::span(order.begin(), cut))};
}

}  // namespace lskd::data
