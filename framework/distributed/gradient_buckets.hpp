// Data-parallel gradient averaging: the gradients are fused, in reverse parameter order (the order backward
// produces them, as PyTorch DDP does), into buckets of at most a byte cap (a smaller one for the first bucket), and
// each bucket is summed over the ranks with one MPI_Allreduce on a flat buffer allocated once, instead of one call
// per tensor. A step may instead overlap the sums with backward: each bucket starts its sum (MPI_Iallreduce) once
// its gradients are final.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
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

// The byte caps of the buckets. The first bucket holds the gradients backward finishes first; a small one starts
// its sum early, while backward still has most of the model to go (PyTorch DDP's first bucket of 1 MiB).
// A gradient larger than the cap is alone in its bucket, and the overlapped step sums it where it is.
struct BucketPlan {
    std::size_t first_bytes = 0;  // the first bucket's cap
    std::size_t cap_bytes = 0;    // every later bucket's

    static BucketPlan uniform(std::size_t cap_bytes) { return {cap_bytes, cap_bytes}; }
};

// Lays the gradients out last parameter first and closes a bucket before a tensor that would take it past its cap;
// a tensor larger than the cap gets a bucket of its own. Empty tensors take no room.
BucketLayout plan_buckets(std::span<const Shape> shapes, BucketPlan plan);

class GradientBuckets {
public:
    static constexpr std::size_t kDefaultCapBytes = 25u << 20;  // DDP's bucket_cap_mb = 25
    // The overlapped step's plan, smaller than DDP's for models of a few MB: a first bucket that starts while most
    // of backward remains, and a cap that leaves each large weight alone, summed in place (docs/scale.md gives the
    // measurements behind it, from bench/bench_overlap.cpp).
    static constexpr BucketPlan kDefaultPlan{256u << 10, 1u << 20};

    // `shapes` are the parameters' shapes in parameter order; every call passes their gradients in that order.
    GradientBuckets(const World& world, std::vector<Shape> shapes, BucketPlan plan = kDefaultPlan);

    const BucketLayout& layout() const { return layout_; }

    // Each gradient becomes the mean over the ranks of that gradient, identical on every rank: DDP's average,
    // right when every rank's gradient is the mean over an equal shard of the global batch.
    void average(std::span<Tensor* const> grads);
    // Each gradient becomes Σ_r (n_r / n) · g_r, where this rank's g was computed as a mean over its n_r =
    // local_examples of the n = global_examples: the gradient of the mean over the global batch even when the
    // shards differ in size (batch_split.hpp). Every rank must pass the same global_examples.
    void average(std::span<Tensor* const> grads, std::int64_t local_examples, std::int64_t global_examples);

    ~GradientBuckets();

    // The weighted average() overlapped with backward, as PyTorch DDP does: begin_step before backward, then
    // gradient_ready(i) when parameter i's gradient is final (its autograd hook), then finish_step before
    // anything reads the gradients. The gradients end exactly as average(grads, local, global) leaves them.
    // A bucket starts its sum once all its gradients are ready and every bucket before it has started, so all
    // ranks start the same collectives in the same order whatever order their gradients became final in.
    // `grads` must stay valid until finish_step. Allocates nothing.
    void begin_step(std::span<Tensor* const> grads, std::int64_t local_examples, std::int64_t global_examples);
    // Packs the gradient and starts every bucket now complete. Open MPI moves a started sum forward only inside
    // an MPI call, so this also tests every sum in flight. Outside a step (another backward through the same
    // parameters, or a single process) it does nothing.
    void gradient_ready(std::size_t param);
    // Packs the gradients that never became ready (a parameter this step did not use, or every one on a rank
    // whose shard is empty, which still joins the sums), starts the remaining buckets, waits for all and unpacks
    // those summed in the flat buffer.
    void finish_step();

private:
    struct Requests;  // the MPI requests of a step's buckets, kept out of this header

    void check(std::span<Tensor* const> grads) const;
    // This rank's share local / global of the batch, checked (a single process must hold all of it).
    float share(std::int64_t local_examples, std::int64_t global_examples) const;
    // Writes gradient t times `weight` into the flat buffer (an undefined gradient, of a parameter unused on
    // this rank, as zeros).
    void pack(std::span<Tensor* const> grads, std::size_t t, float weight);
    // Replaces each gradient of bucket b with its sum in the flat buffer divided by `divisor`.
    void unpack(std::span<Tensor* const> grads, const Bucket& b, float divisor);
    // Packs each gradient times `weight`, sums bucket by bucket, and unpacks each sum divided by `divisor`.
    void reduce(std::span<Tensor* const> grads, float weight, float divisor);
    void mark_packed(std::size_t t);
    float* sum_buffer(std::size_t b);  // where bucket b is summed this step
    void start_complete_buckets();

    const World& world_;
    std::vector<Shape> shapes_;
    BucketLayout layout_;
    std::vector<float> flat_;

    // The overlapped step's state.
    static constexpr std::size_t kNoBucket = static_cast<std::size_t>(-1);
    std::vector<std::size_t> bucket_of_;  // by parameter position; kNoBucket for an empty tensor
    std::vector<std::size_t> unready_;    // by bucket: its gradients not packed yet
    std::vector<char> in_place_;          // by bucket: summed in its one gradient's storage, not the flat buffer
    std::vector<char> packed_;            // by parameter position
    std::unique_ptr<Requests> requests_;
    std::span<Tensor* const> step_grads_;
    float step_weight_ = 1.0f;
    bool stepping_ = false;
    std::size_t next_start_ = 0;  // the first bucket not started
    std::size_t next_done_ = 0;   // the first started bucket not known to be complete
};

}  // namespace lskd::distributed
