// Seeded draws of the data layer: every use hashes its own stream tag first, so the validation split, the
// epoch order, subsets and augmentation are independent pure functions of one seed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lskd::data {

namespace stream {
constexpr std::uint64_t validation_split = 1;
constexpr std::uint64_t epoch_order = 2;
constexpr std::uint64_t subset = 3;
constexpr std::uint64_t augmentation = 4;
constexpr std::uint64_t sequence_split = 5;
constexpr std::uint64_t token_batch_plan = 6;
constexpr std::uint64_t token_batch_order = 7;
constexpr std::uint64_t image_transform = 8;
}  // namespace stream

// A permutation of 0..n-1 that is a pure function of `key` (Fisher-Yates driven by lskd::Rng).
std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t key);
// The same permutation of 0..order.size()-1 written into `order`, for callers that reuse its storage.
void seeded_permutation(std::span<std::size_t> order, std::uint64_t key);

}  // namespace lskd::data
