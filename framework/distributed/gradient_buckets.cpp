#include "framework/distributed/gradient_buckets.hpp"

#include <mpi.h>

#include <algorithm>
#include <limits>

#include "framework/core/error.hpp"

namespace lskd::distributed {

BucketLayout plan_buckets(std::span<const Shape> shapes, std::size_t cap_bytes) {
    LSKD_CHECK(cap_bytes >= sizeof(float), "a bucket cap of {} bytes holds no float", cap_bytes);
    const std::size_t cap = cap_bytes / sizeof(float);
    BucketLayout layout;
    layout.offsets.assign(shapes.size(), 0);
    for (std::size_t i = shapes.size(); i-- > 0;) {
        const auto n = static_cast<std::size_t>(shapes[i].numel());
        layout.offsets[i] = layout.total;
        if (n == 0) continue;
        if (layout.buckets.empty() || layout.buckets.back().count + n > cap)
            layout.buckets.push_back({layout.total, 0, {}});
        layout.buckets.back().count += n;
        layout.buckets.back().tensors.push_back(i);
        layout.total += n;
    }
    return layout;
}

GradientBuckets::GradientBuckets(const World& world, std::vector<Shape> shapes, std::size_t cap_bytes)
    : world_(world), shapes_(std::move(shapes)), layout_(plan_buckets(shapes_, cap_bytes)), flat_(layout_.total) {
    for (const Bucket& b : layout_.buckets)
        if (b.count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            fail("a gradient of {} floats is too large for one MPI_Allreduce", b.count);
}

void GradientBuckets::average(std::span<Tensor* const> grads) {
    reduce(grads, 1.0f, static_cast<float>(world_.size()));
}

void GradientBuckets::average(std::span<Tensor* const> grads, std::int64_t local_examples,
                              std::int64_t global_examples) {
    LSKD_CHECK(local_examples >= 0 && global_examples > 0 && local_examples <= global_examples, "{} of {} examples",
               local_examples, global_examples);
    reduce(grads, static_cast<float>(static_cast<double>(local_examples) / static_cast<double>(global_examples)), 1.0f);
}

void GradientBuckets::reduce(std::span<Tensor* const> grads, float weight, float divisor) {
    LSKD_CHECK(grads.size() == shapes_.size(), "{} gradients for {} parameters", grads.size(), shapes_.size());
    for (std::size_t i = 0; i < grads.size(); ++i)
        LSKD_CHECK(!grads[i]->defined() || grads[i]->numel() == shapes_[i].numel(),
                   "gradient {} has {} values, its parameter {}", i, grads[i]->numel(), shapes_[i].str());
    if (!world_.launched()) {
        LSKD_CHECK(weight == 1.0f, "a single rank holds the whole batch, not a share {} of it", weight);
        return;  // its gradient is already the mean over the global batch
    }
    for (const Bucket& b : layout_.buckets) {
        for (std::size_t t : b.tensors) {
            float* out = flat_.data() + layout_.offsets[t];
            const Tensor& g = *grads[t];
            if (!g.defined())
                std::fill_n(out, shapes_[t].numel(), 0.0f);
            else if (weight == 1.0f)
                std::copy_n(g.data(), g.numel(), out);
            else
                std::transform(g.data(), g.data() + g.numel(), out, [weight](float v) { return v * weight; });
        }
        MPI_Allreduce(MPI_IN_PLACE, flat_.data() + b.begin, static_cast<int>(b.count), MPI_FLOAT, MPI_SUM,
                      MPI_COMM_WORLD);
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
}

}  // namespace lskd::distributed
