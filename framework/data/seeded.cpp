#include "framework/data/seeded.hpp"

#include <numeric>
#include <utility>

#include "framework/core/random.hpp"

namespace lskd::data {

std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t key) {
    std::vector<std::size_t> order(n);
    seeded_permutation(order, key);
    return order;
}

void seeded_permutation(std::span<std::size_t> order, std::uint64_t key) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    Rng rng(key);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
}

}  // namespace lskd::data
