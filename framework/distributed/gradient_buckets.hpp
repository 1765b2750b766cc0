// Data-parallel gradient averaging: the gradients are fused, in reverse parameter order (the order backward
// produces them, as PyTorch DDP does), into buckets of at most a byte cap, and each bucket is summed over the
// ranks with one MPI_Allreduce on a flat buffer allocated once, instead of one call per tensor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "framework/distributed/world.hpp"
#include "framework/tensor/tensor.hpp"

namespace lskd::distributed {

struct Bucket {
    std::size_t begin = 0, count = 0;  // floats of the flat buffer
    std::vector<std::size_t> tensors;  // parameter positions, in the order laid out (descending)
};

struct BucketLayout {
    std::vector<Bucket> buckets;
    std::vector<std::size_t> offsets;  // of each parameter's gradient in the flat buffer, by parameter position
    std::size_t total = 0;             // floats
};

// Lays the gradients out last parameter first and closes a bucket before a tensor that would take it past
// cap_bytes; a tensor larger than the cap gets a bucket of its own. Empty tensors take no room.
BucketLayout plan_buckets(std::span<const Shape> shapes, std::size_t cap_bytes);

class GradientBuckets {
public:
    static constexpr std::size_t kDefaultCapBytes = 25u << 20;  // DDP's bucket_cap_mb = 25

    // `shapes` are the parameters' shapes in parameter order; every call passes their gradients in that order.
    GradientBuckets(const World& world, std::vector<Shape> shapes, std::size_t cap_bytes = kDefaultCapBytes);

    const BucketLayout& layout() const { return layout_; }

    // Each gradient becomes the mean over the ranks of that gradient, identical on every rank: DDP's average,
    // right when every rank's gradient is the mean over an equal shard of the global batch.
    void average(std::span<Tensor* const> grads);
    // Each gradient becomes Σ_r (n_r / n) · g_r, where this rank's g was computed as a mean over its n_r =
    // local_examples of the n = global_examples: the gradient of the mean over the global batch even when the
    // shards differ in size (batch_split.hpp). Every rank must pass the same global_examples.
    void average(std::span<Tensor* const> grads, std::int64_t local_examples, std::int64_t global_examples);

private:
    // Packs each gradient times `weight` (an undefined gradient, of a parameter unused on this rank, as zeros),
    // sums bucket by bucket, and unpacks each sum divided by `divisor`.
    void reduce(std::span<Tensor* const> grads, float weight, float divisor);

    const World& world_;
    std::vector<Shape> shapes_;
    BucketLayout layout_;
    std::vector<float> flat_;
};

}  // namespace lskd::distributed
