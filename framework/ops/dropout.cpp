// dropout: no oneDNN primitive; a plain loop. Element i is kept iff
//     to_unit_float(hash_keys(seed, {counter, i})) >= p
// and kept values are scaled by 1/(1 − p), so the mask is a pure function of (seed, counter, i) and a run
// is reproducible whatever the thread count. The node keeps the mask (0 or 1/(1 − p) per element) and
// multiplies it into the gradient.
#include <cmath>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/record.hpp"

namespace lskd::ops {
namespace {

struct DropoutNode : Node {
    Tensor mask;
    void backward(const Tensor& gout) override;
};

}  // namespace

Variable dropout(const Variable& x, float p, bool training, std::uint64_t seed, std::uint64_t counter) {
    check_input_type("dropout", x, false);
    if (!(p >= 0.0f && p < 1.0f)) fail("dropout: p must be in [0, 1), got {}", p);
    if (!training || p == 0.0f) return x;
    const float scale = 1.0f / (1.0f - p);
    const std::int64_t n = x.value().numel();
    Tensor mask = Tensor::empty(x.shape());
    Tensor y = Tensor::empty(x.shape());
    const float* in = x.value().data();
    float* m = mask.data();
    float* out = y.data();
    // hash_keys folds its keys left to right, so hash_keys(seed, {counter, i}) continues from
    // hash_keys(seed, {counter}) with one more step: hoist the prefix (test_dropout checks the identity).
    const std::uint64_t prefix = hash_keys(seed, {counter});
    for (std::int64_t i = 0; i < n; ++i) {
        const std::uint64_t bits =
            splitmix64(prefix ^ splitmix64(static_cast<std::uint64_t>(i) + 0x632BE59BD9B4E019ULL));
        const bool keep = to_unit_float(bits) >= p;
        m[i] = keep ? scale : 0.0f;
        out[i] = in[i] * m[i];
    }
    return record<DropoutNode>(OpKind::dropout, std::move(y), needs_graph({&x}), {&x},
                               [&](DropoutNode& node) { node.mask = std::move(mask); });
}

void DropoutNode::backward(const Tensor& gout) {
    Tensor gx = Tensor::empty(mask.shape());
    const float* g = gout.data();
    const float* m = mask.data();
    float* out = gx.data();
    const std::int64_t n = mask.numel();
    for (std::int64_t i = 0; i < n; ++i) out[i] = g[i] * m[i];
    accumulate_grad(*inputs[0], gx);
}

}  // namespace lskd::ops
