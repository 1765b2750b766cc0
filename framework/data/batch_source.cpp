#include "framework/data/batch_source.hpp"

#include <numeric>

#include "framework/core/random.hpp"
#include "framework/data/seeded.hpp"

namespace lskd::data {

std::vector<std::size_t> epoch_order(std::size_t n, bool shuffle, std::uint64_t seed, std::uint64_t epoch) {
    if (shuffle) return seeded_permutation(n, hash_keys(seed, {stream::epoch_order, epoch}));
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    return order;
}

}  // namespace lskd::data
