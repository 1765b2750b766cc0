#include "framework/data/seeded.hpp"

#include <numeric>
#include <utility>

#include "framework/core/random.hpp"

namespace lskd::data {

std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t key) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    Rng rng(key);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    return order;
}

}  // namespace lskd::data
