#include "framework/autograd/variable.hpp"

#include <atomic>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"

namespace lskd {
namespace {
std::atomic<std::uint64_t> g_next_id{1};
}

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
    float* dst = v.grad.values_in_place().data();
    const float* src = g.data();
    const std::int64_t n = g.numel();
    for (std::int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

}  // namespace lskd
