#include "framework/autograd/variable.hpp"

#include <atomic>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"

namespace lskd {
namespace {
std::atomic<std::uint64_t> g_next_id{1};
// Below this many elements a gradient sum runs on the calling thread; above, TBB splits it (between
// primitives, never during one). The sum is elementwise, so the result does not depend on the split.
constexpr std::int64_t kParallelMin = 1 << 16;
}  // namespace

VarImpl::VarImpl() : id(g_next_id++) {}

Variable::Variable(Tensor value, bool requires_grad) : impl_(std::make_shared<VarImpl>()) {
    impl_->value = std::move(value);
    impl_->requires_grad = requires_grad;
}

void Variable::backward() {
    if (impl_->value.numel() != 1)
        fail("backward() without a seed needs a scalar, got shape {}", impl_->value.shape().str());
    backward(Tensor::full(impl_->value.shape(), 1.0f));
}

void accumulate_grad(VarImpl& v, const Tensor& g) {
    if (!v.requires_grad) return;
    if (!(g.shape() == v.value.shape()))
        fail("gradient of shape {} for a value of shape {}", g.shape().str(), v.value.shape().str());
    if (!v.grad.defined()) {
        v.grad = g;
        return;
    }
    if (!v.grad.unique()) v.grad = v.grad.clone();
    float* __restrict dst = v.grad.values_in_place().data();
    const float* __restrict src = g.data();
    const std::int64_t n = g.numel();
    const auto add = [dst, src](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) dst[i] += src[i];
    };
    if (n < kParallelMin) return add(0, n);
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, n, kParallelMin / 4),
                      [&](const tbb::blocked_range<std::int64_t>& r) { add(r.begin(), r.end()); });
}

}  // namespace lskd
