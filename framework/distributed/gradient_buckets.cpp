#include "framework/distributed/gradient_buckets.hpp"

#include <mpi.h>

#include <algorithm>
#include <limits>

#include "framework/core/error.hpp"

namespace lskd::distributed {

BucketLayout plan_buckets(std::span<const Shape> shapes, BucketPlan plan) {
    LSKD_CHECK(plan.first_bytes >= sizeof(float) && plan.cap_bytes >= sizeof(float),
               "bucket caps of {} and {} bytes: each must hold a float", plan.first_bytes, plan.cap_bytes);
    BucketLayout layout;
    layout.offsets.assign(shapes.size(), 0);
    for (std::size_t i = shapes.size(); i-- > 0;) {
        const auto n = static_cast<std::size_t>(shapes[i].numel());
        layout.offsets[i] = layout.total;
        if (n == 0) continue;
        const std::size_t cap = (layout.buckets.size() <= 1 ? plan.first_bytes : plan.cap_bytes) / sizeof(float);
        if (layout.buckets.empty() || layout.buckets.back().count + n > cap)
            layout.buckets.push_back({layout.total, 0, {}});
        layout.buckets.back().count += n;
        layout.buckets.back().tensors.push_back(i);
        layout.total += n;
    }
    return layout;
}

struct GradientBuckets::Requests {
    std::vector<MPI_Request> of_bucket;
    std::vector<int> done;  // MPI_Testsome's indices, allocated once
};

GradientBuckets::GradientBuckets(const World& world, std::vector<Shape> shapes, BucketPlan plan)
    : world_(world),
      shapes_(std::move(shapes)),
      layout_(plan_buckets(shapes_, plan)),
      flat_(layout_.total),
      bucket_of_(shapes_.size(), kNoBucket),
      unready_(layout_.buckets.size(), 0),
      in_place_(layout_.buckets.size(), 0),
      packed_(shapes_.size(), 0),
      requests_(std::make_unique<Requests>()) {
    for (std::size_t b = 0; b < layout_.buckets.size(); ++b) {
        if (layout_.buckets[b].count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            fail("a gradient of {} floats is too large for one MPI_Allreduce", layout_.buckets[b].count);
        for (std::size_t t : layout_.buckets[b].tensors) bucket_of_[t] = b;
    }
    requests_->of_bucket.assign(layout_.buckets.size(), MPI_REQUEST_NULL);
    requests_->done.resize(layout_.buckets.size());
}

GradientBuckets::~GradientBuckets() = default;

void GradientBuckets::average(std::span<Tensor* const> grads) {
    reduce(grads, 1.0f, static_cast<float>(world_.size()));
}

void GradientBuckets::average(std::span<Tensor* const> grads, std::int64_t local_examples,
                              std::int64_t global_examples) {
    reduce(grads, share(local_examples, global_examples), 1.0f);
}

void GradientBuckets::check(std::span<Tensor* const> grads) const {
    LSKD_CHECK(grads.size() == shapes_.size(), "{} gradients for {} parameters", grads.size(), shapes_.size());
    for (std::size_t i = 0; i < grads.size(); ++i)
        LSKD_CHECK(!grads[i]->defined() || grads[i]->numel() == shapes_[i].numel(),
                   "gradient {} has {} values, its parameter {}", i, grads[i]->numel(), shapes_[i].str());
}

float GradientBuckets::share(std::int64_t local_examples, std::int64_t global_examples) const {
    LSKD_CHECK(local_examples >= 0 && global_examples > 0 && local_examples <= global_examples, "{} of {} examples",
               local_examples, global_examples);
    const auto weight = static_cast<float>(static_cast<double>(local_examples) / static_cast<double>(global_examples));
    LSKD_CHECK(world_.launched() || weight == 1.0f, "a single rank holds the whole batch, not a share {} of it",
               weight);
    return weight;
}

void GradientBuckets::pack(std::span<Tensor* const> grads, std::size_t t, float weight) {
    float* out = flat_.data() + layout_.offsets[t];
    const Tensor& g = *grads[t];
    if (!g.defined())
        std::fill_n(out, shapes_[t].numel(), 0.0f);
    else if (weight == 1.0f)
        std::copy_n(g.data(), g.numel(), out);
    else
        std::transform(g.data(), g.data() + g.numel(), out, [weight](float v) { return v * weight; });
}

void GradientBuckets::unpack(std::span<Tensor* const> grads, const Bucket& b, float divisor) {
    for (std::size_t t : b.tensors) {
        Tensor& g = *grads[t];
        // A gradient handle may share storage with another one (an op's backward can pass one tensor to
        // several inputs); writing into it would change a gradient of a later bucket before it is packed.
        if (!g.defined() || !g.unique()) g = Tensor::empty(shapes_[t]);
        const float* in = flat_.data() + layout_.offsets[t];
        if (divisor == 1.0f)
            std::copy_n(in, g.numel(), g.data());
        else
            std::transform(in, in + g.numel(), g.data(), [divisor](float v) { return v / divisor; });
    }
}

void GradientBuckets::reduce(std::span<Tensor* const> grads, float weight, float divisor) {
    check(grads);
    if (!world_.launched()) return;  // a single process's gradient is already the mean over the global batch
    for (const Bucket& b : layout_.buckets) {
        for (std::size_t t : b.tensors) pack(grads, t, weight);
        MPI_Allreduce(MPI_IN_PLACE, flat_.data() + b.begin, static_cast<int>(b.count), MPI_FLOAT, MPI_SUM,
                      MPI_COMM_WORLD);
        unpack(grads, b, divisor);
    }
}

void GradientBuckets::begin_step(std::span<Tensor* const> grads, std::int64_t local_examples,
                                 std::int64_t global_examples) {
    LSKD_CHECK(!stepping_, "begin_step before the previous step's finish_step");
    check(grads);
    const float weight = share(local_examples, global_examples);
    if (!world_.launched()) return;  // nothing to sum; gradient_ready and finish_step do nothing
    step_grads_ = grads;
    step_weight_ = weight;
    std::fill(packed_.begin(), packed_.end(), 0);
    std::fill(in_place_.begin(), in_place_.end(), 0);
    for (std::size_t b = 0; b < layout_.buckets.size(); ++b) unready_[b] = layout_.buckets[b].tensors.size();
    next_start_ = next_done_ = 0;
    stepping_ = true;
}

void GradientBuckets::mark_packed(std::size_t t) {
    const std::size_t b = bucket_of_[t];
    Tensor& g = *step_grads_[t];
    // A gradient alone in its bucket, held by no other handle, is summed where it is: no copy into the flat
    // buffer and back. The same product as pack's, so the same bits; the choice is this rank's alone, as the
    // collective depends only on the bucket's size.
    if (b != kNoBucket && layout_.buckets[b].tensors.size() == 1 && g.defined() && g.unique()) {
        if (step_weight_ != 1.0f)
            for (float& v : g.values()) v *= step_weight_;
        in_place_[b] = 1;
    } else {
        pack(step_grads_, t, step_weight_);
    }
    packed_[t] = 1;
    if (b != kNoBucket) --unready_[b];
}

float* GradientBuckets::sum_buffer(std::size_t b) {
    const Bucket& bucket = layout_.buckets[b];
    return in_place_[b] ? step_grads_[bucket.tensors.front()]->data() : flat_.data() + bucket.begin;
}

void GradientBuckets::start_complete_buckets() {
    auto& requests = requests_->of_bucket;
    for (; next_start_ < layout_.buckets.size() && unready_[next_start_] == 0; ++next_start_) {
        MPI_Iallreduce(MPI_IN_PLACE, sum_buffer(next_start_), static_cast<int>(layout_.buckets[next_start_].count),
                       MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &requests[next_start_]);
    }
    // Open MPI moves a started sum forward only inside an MPI call: each hook tests every sum in flight, and one
    // that completed is released even when an older one has not.
    if (next_done_ == next_start_) return;
    int completed = 0;
    MPI_Testsome(static_cast<int>(next_start_ - next_done_), requests.data() + next_done_, &completed,
                 requests_->done.data(), MPI_STATUSES_IGNORE);
    while (next_done_ < next_start_ && requests[next_done_] == MPI_REQUEST_NULL) ++next_done_;
}

void GradientBuckets::gradient_ready(std::size_t param) {
    if (!stepping_) return;
    LSKD_CHECK(param < packed_.size(), "gradient {} of {} parameters", param, packed_.size());
    if (packed_[param]) fail("gradient {} became final twice in one step (two backward passes?)", param);
    mark_packed(param);
    start_complete_buckets();
}

void GradientBuckets::finish_step() {
    if (!stepping_) return;
    stepping_ = false;
    for (std::size_t t = 0; t < packed_.size(); ++t)
        if (!packed_[t]) mark_packed(t);
    start_complete_buckets();
    for (std::size_t b = 0; b < layout_.buckets.size(); ++b) {
        MPI_Wait(&requests_->of_bucket[b], MPI_STATUS_IGNORE);
        if (!in_place_[b]) unpack(step_grads_, layout_.buckets[b], 1.0f);
    }
}

}  // namespace lskd::distributed
