// Seeded draws of the data layer: every use hashes its own stream tag first, so the validation split, the
// epoch order, subsets and augmentation are independent pure functions of one seed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lskd::data {

namespace stream {
constexpr std::uint64_t validation_split = 1;
constexpr std::uint64_t epoch_order = 2;
constexpr std::uint64_t subset = 3;
constexpr std::uint64_t augmentation = 4;
}  // namespace stream

// A permutation of 0..n-1 that is a pure function of `key` (Fisher-Yates driven by lskd::Rng).
std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t key);

}  // namespace lskd::data
