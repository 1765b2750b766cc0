#include "framework/autograd/variable.hpp"

#include <atomic>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/runtime/parallel_for.hpp"
#include "framework/tensor/bf16.hpp"
#include "framework/tensor/block_pool.hpp"

namespace lskd {
namespace {
std::atomic<std::uint64_t> g_next_id{1};
}

VarImpl::VarImpl() : id(g_next_id++) {}

Variable::Variable(Tensor value, bool requires_grad) : impl_(make_pooled<VarImpl>()) {
    impl_->value = std::move(value);
    impl_->requires_grad = requires_grad;
}

void Variable::backward() {
    if (impl_->value.numel() != 1)
        fail("backward() without a seed needs a scalar, got shape {}", impl_->value.shape().str());
    backward(Tensor::full(impl_->value.shape(), 1.0f));
}

void Variable::set_grad_final_hook(std::function<void()> hook) {
    if (impl_->grad_fn) fail("a gradient hook on a variable computed by {}: hooks go on leaves", impl_->grad_fn->op);
    impl_->grad_final_hook = std::move(hook);
}

void accumulate_grad(VarImpl& v, const Tensor& g) {
    if (!v.requires_grad) return;
    if (!(g.shape() == v.value.shape()))
        fail("gradient of shape {} for a value of shape {}", g.shape().str(), v.value.shape().str());
    if (!v.grad.defined()) {
        v.grad = g;
        return;
    }
    // Summed in chunks over the threads (each element on its own, so the split does not change a bit). A gradient
    // another variable shares (a residual block hands one tensor to both of its branches) is left as it is and
    // the sum goes to a new tensor: one pass, where a copy and then an add would be two.
    const bool in_place = v.grad.unique();
    Tensor sum = in_place ? v.grad : Tensor::empty(g.shape());
    float* dst = in_place ? sum.values_in_place().data() : sum.values().data();
    const std::int64_t n = g.numel();
    if (v.bf16) {
        // Widened, added in f32 and rounded to nearest even, as a bf16 primitive writes.
        const auto* a = reinterpret_cast<const std::uint16_t*>(v.grad.data());
        const auto* b = reinterpret_cast<const std::uint16_t*>(g.data());
        auto* out = reinterpret_cast<std::uint16_t*>(dst);
        runtime::parallel_for_chunks(n, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i) out[i] = bf16_bits(from_bf16_bits(a[i]) + from_bf16_bits(b[i]));
        });
    } else {
        const float* a = v.grad.data();
        const float* b = g.data();
        runtime::parallel_for_chunks(n, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i) dst[i] = a[i] + b[i];
        });
    }
    v.grad = std::move(sum);
}

}  // namespace lskd
