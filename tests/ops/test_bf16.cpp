// The bf16 mixed path of linear, conv2d and batched_matmul (framework/ops/precision.hpp) against exact
// double-precision loops.
// Where oneDNN has no bf16 implementation (CPUs without AVX-512) every case warns and checks nothing; on AVX-512
// without avx512_bf16 oneDNN emulates bf16 (run them with ONEDNN_MAX_CPU_ISA=AVX512_CORE to exercise that path).
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "framework/core/random.hpp"
#include "framework/dnnl/context.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/bf16_weighted.hpp"
#include "framework/ops/fused_inference.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/ops/weight_reorders.hpp"
#include "framework/tensor/buffer_pool.hpp"
#include "tests/ops/reference.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

// The error bound of docs/speed.md ("bf16 mixed precision"): each operand rounded to bf16 (8 significant bits,
// unit roundoff u = 2^-8) makes a product off by at most (2u + u²)·|a·b|; K products summed in f32 add at most
// K·2^-24 of Σ|a·b| more. So |mixed − exact| ≤ (2u + u² + K·2^-24)·Σ|a|·|b|, elementwise, where Σ|a|·|b| is the
// same op run on the absolute values.
double bf16_bound_factor(std::int64_t k) {
    const double u = std::ldexp(1.0, -8);
    return 2 * u + u * u + static_cast<double>(k) * std::ldexp(1.0, -24);
}

Tensor absolute(const Tensor& t) {
    Tensor a = t.clone();
    for (auto& v : a.values()) v = std::abs(v);
    return a;
}

struct Violations {
    std::int64_t over_bound = 0;  // elements outside the bf16 bound: must be none
    std::int64_t over_f32 = 0;    // elements outside the f32 bound: some, or bf16 never ran
    double worst_ratio = 0.0;     // the largest |mixed − exact| / bound
};

// Compares `got` with `exact` under (factor · magnitude) elementwise, and counts those beyond an f32-only bound.
Violations compare(const Tensor& got, const Tensor& exact, const Tensor& magnitude, std::int64_t k) {
    REQUIRE(got.shape() == exact.shape());
    Violations v;
    for (std::int64_t i = 0; i < got.numel(); ++i) {
        const double err = std::abs(static_cast<double>(got.at(i)) - exact.at(i));
        const double bound = bf16_bound_factor(k) * magnitude.at(i) + 1e-30;
        v.over_bound += err > bound;
        v.over_f32 += err > 4.0 * static_cast<double>(k) * std::ldexp(1.0, -24) * magnitude.at(i);
        v.worst_ratio = std::max(v.worst_ratio, err / bound);
    }
    return v;
}

bool bf16_or_warn() {
    if (ops::bf16_available()) return true;
    WARN("SKIPPED: oneDNN has no bf16 implementation on this CPU (it needs AVX-512); the bf16 path is untested here");
    return false;
}

struct Case {
    std::int64_t n, h, w, c, o, k, stride, pad;
};

// One conv2d case in bf16: output, input, weight and bias gradients, each within its bound.
void check_conv(const Case& cs, std::uint64_t seed) {
    Rng rng(seed);
    Variable x(random_tensor({cs.n, cs.h, cs.w, cs.c}, rng), true);
    Variable w(random_tensor({cs.o, cs.c, cs.k, cs.k}, rng), true);
    Variable b(random_tensor({cs.o}, rng), true);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    Variable y = ops::conv2d(x, w, b, {.stride = cs.stride, .padding = cs.pad});
    const Tensor g = random_tensor(y.shape(), rng);
    y.backward(g);
    const ConvRef exact = conv2d_reference(x.value(), w.value(), &b.value(), cs.stride, cs.pad, &g);
    const Tensor abs_b = absolute(b.value()), abs_g = absolute(g);
    const ConvRef mag = conv2d_reference(absolute(x.value()), absolute(w.value()), &abs_b, cs.stride, cs.pad, &abs_g);
    const std::int64_t k_out = cs.c * cs.k * cs.k, k_w = cs.n * y.dim(1) * y.dim(2);
    const Violations vy = compare(y.value(), exact.y, mag.y, k_out);
    const Violations vx = compare(x.grad(), exact.gx, mag.gx, cs.o * cs.k * cs.k);
    const Violations vw = compare(w.grad(), exact.gw, mag.gw, k_w);
    const Violations vb = compare(b.grad(), exact.gb, mag.gb, k_w);
    INFO("worst error / bound: y " << vy.worst_ratio << " dx " << vx.worst_ratio << " dw " << vw.worst_ratio << " db "
                                   << vb.worst_ratio);
    CHECK(vy.over_bound == 0);
    CHECK(vx.over_bound == 0);
    CHECK(vw.over_bound == 0);
    CHECK(vb.over_bound == 0);
    CHECK(vy.over_f32 > 0);  // the forward really rounded its operands to bf16
    CHECK(vw.over_f32 > 0);
}

}  // namespace

TEST_CASE("bf16 conv2d within the bf16 bound", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    // Channel counts that make oneDNN block weights (both weight conversions and the diff-weights reorder run).
    const std::vector<Case> cases = {
        {2, 8, 8, 16, 32, 3, 1, 1}, {2, 9, 9, 32, 16, 3, 2, 1}, {2, 12, 12, 1, 8, 5, 1, 2}};
    std::uint64_t seed = 40;
    for (const Case& cs : cases) {
        INFO("C " << cs.c << " O " << cs.o << " k " << cs.k << " stride " << cs.stride);
        check_conv(cs, seed++);
    }
}

namespace {

// linear's forward and backward in bf16 with the given weight format (automatic: as ops::linear runs it), each
// within its bound; its primitives' descriptions are returned for the caller to check which kernels ran.
std::string check_linear(ops::Bf16Weights weights, std::uint64_t seed) {
    Rng rng(seed);
    const std::int64_t n = 16, in = 96, out = 40;
    Variable x(random_tensor({n, in}, rng), true);
    Variable w(random_tensor({out, in}, rng), true);
    Variable b(random_tensor({out}, rng), true);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    ops::Bf16Entry& prims = ops::linear_bf16_entry(n, in, out, true, false, true, weights);
    Variable y = weights == ops::Bf16Weights::automatic
                     ? ops::linear(x, w, b)
                     : ops::bf16_weighted_forward(OpKind::linear, prims, x, w, b, false, true, Tensor::empty({n, out}));
    const Tensor g = random_tensor(y.shape(), rng);
    y.backward(g);
    // linear is a 1×1 convolution of [n, 1, 1, in] by [out, in, 1, 1].
    const Tensor g4 = g.reshaped({n, 1, 1, out}), abs_b = absolute(b.value()), abs_g4 = absolute(g4);
    const ConvRef exact =
        conv2d_reference(x.value().reshaped({n, 1, 1, in}), w.value().reshaped({out, in, 1, 1}), &b.value(), 1, 0, &g4);
    const ConvRef mag = conv2d_reference(absolute(x.value()).reshaped({n, 1, 1, in}),
                                         absolute(w.value()).reshaped({out, in, 1, 1}), &abs_b, 1, 0, &abs_g4);
    const Violations vy = compare(y.value(), exact.y.reshaped({n, out}), mag.y.reshaped({n, out}), in);
    const Violations vx = compare(x.grad(), exact.gx.reshaped({n, in}), mag.gx.reshaped({n, in}), out);
    const Violations vw = compare(w.grad(), exact.gw.reshaped({out, in}), mag.gw.reshaped({out, in}), n);
    const Violations vb = compare(b.grad(), exact.gb, mag.gb, n);
    CHECK(vy.over_bound == 0);
    CHECK(vx.over_bound == 0);
    CHECK(vw.over_bound == 0);
    CHECK(vb.over_bound == 0);
    CHECK(vy.over_f32 > 0);
    if (weights == ops::Bf16Weights::automatic) {
        // Inference (the fused pass's linear) gives the training forward's values bit for bit.
        const Tensor inferred = ops::linear_inference(x.value(), w, b.value(), {});
        CHECK(max_rel_diff(inferred, y.value()) == 0.0);
    }
    return prims.forward.description() + "; " + prims.backward_data.description() + "; " +
           prims.backward_weights.description();
}

}  // namespace

TEST_CASE("bf16 linear within the bf16 bound", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    const std::string kernels = check_linear(ops::Bf16Weights::automatic, 9);
    INFO(kernels);
    // Plain oi weights unless oneDNN runs the product on AMX tiles.
    const bool amx = kernels.find("amx") != std::string::npos;
    const ops::Bf16Entry& prims = ops::linear_bf16_entry(16, 96, 40, true, false, true);
    CHECK((prims.forward_weights.desc == dnnl_ctx::md_oi(40, 96, dnnl::memory::data_type::bf16)) != amx);
    CHECK(prims.diff_weights.plain != amx);
}

TEST_CASE("bf16 linear in oneDNN's own blocked weight format, the AMX choice, within the bf16 bound", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    const std::string kernels = check_linear(ops::Bf16Weights::own, 10);
    INFO(kernels);
    const ops::Bf16Entry& prims = ops::linear_bf16_entry(16, 96, 40, true, false, true, ops::Bf16Weights::own);
    // A blocked format, converted from the master weights, and the gradient reordered back to oi.
    CHECK(prims.forward_weights.desc != dnnl_ctx::md_oi(40, 96, dnnl::memory::data_type::bf16));
    CHECK_FALSE(prims.diff_weights.plain);
}

namespace {

// Attention's two products in bf16 (scores q·kᵀ·s with b stored transposed, and p·v), output and both gradients
// each within its bound, at a batch of heads and at odd sizes.
void check_batched_matmul(std::int64_t batch, std::int64_t m, std::int64_t k, std::int64_t n, bool transpose_b,
                          std::uint64_t seed) {
    Rng rng(seed);
    const float scale = 0.5f;
    Variable a(random_tensor({batch, m, k}, rng), true);
    Variable b(random_tensor(transpose_b ? Shape{batch, n, k} : Shape{batch, k, n}, rng), true);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    Variable c = ops::batched_matmul(a, b, transpose_b, scale);
    const Tensor g = random_tensor(c.shape(), rng);
    c.backward(g);
    const MatmulRef exact = matmul_reference(a.value(), b.value(), transpose_b, scale, g);
    const MatmulRef mag = matmul_reference(absolute(a.value()), absolute(b.value()), transpose_b, scale, absolute(g));
    const Violations vc = compare(c.value(), exact.c, mag.c, k);
    const Violations va = compare(a.grad(), exact.ga, mag.ga, n);
    const Violations vb = compare(b.grad(), exact.gb, mag.gb, m);
    INFO("worst error / bound: c " << vc.worst_ratio << " da " << va.worst_ratio << " db " << vb.worst_ratio);
    CHECK(vc.over_bound == 0);
    CHECK(va.over_bound == 0);
    CHECK(vb.over_bound == 0);
    CHECK(vc.over_f32 > 0);  // every product really rounded its operands to bf16
    CHECK(va.over_f32 > 0);
    CHECK(vb.over_f32 > 0);
}

}  // namespace

TEST_CASE("bf16 batched_matmul within the bf16 bound", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    std::uint64_t seed = 60;
    for (const bool transpose_b : {true, false}) {
        INFO("transpose_b " << transpose_b);
        check_batched_matmul(8, 16, 32, 12, transpose_b, seed++);
        check_batched_matmul(3, 5, 7, 9, transpose_b, seed++);
    }
}

TEST_CASE("bf16 weights converted once per version", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    Rng rng(3);
    Variable x(random_tensor({8, 32}, rng), true);
    Variable w(random_tensor({24, 32}, rng), true);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    ops::linear(x, w, Variable()).backward(Tensor::full({8, 24}, 1.0f));
    const auto after_first = ops::weight_reorder_count();
    ops::linear(x, w, Variable()).backward(Tensor::full({8, 24}, 1.0f));
    CHECK(ops::weight_reorder_count() == after_first);  // unchanged weight: the cached bf16 copies serve
    w.value().values_in_place()[0] += 1.0f;
    ops::linear(x, w, Variable()).backward(Tensor::full({8, 24}, 1.0f));
    CHECK(ops::weight_reorder_count() > after_first);
}

TEST_CASE("bf16 steady-state steps create no primitive", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    Rng rng(4);
    Variable x(random_tensor({4, 6, 6, 8}, rng));
    Variable w(random_tensor({16, 8, 3, 3}, rng), true);
    Variable b(random_tensor({16}, rng), true);
    Variable fc(random_tensor({10, 16 * 36}, rng), true);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    auto step = [&] {
        Variable h = ops::conv2d(x, w, b, {.stride = 1, .padding = 1}, {.relu = true});
        // Attention's two products over the 36 positions: scores h·hᵀ, then scores·h.
        const Variable h3 = ops::reshape(h, {4, 36, 16});
        const Variable mixed = ops::batched_matmul(ops::batched_matmul(h3, h3, true, 0.25f), h3);
        ops::linear(ops::reshape(mixed, {4, 16 * 36}), fc, Variable()).backward(Tensor::full({4, 10}, 0.1f));
        for (Variable* p : {&w, &b, &fc}) {
            for (auto& v : p->value().values_in_place()) v *= 0.999f;
            p->grad() = Tensor();
        }
    };
    step();
    const auto misses = dnnl_ctx::cache_stats().misses;
    const auto pool = pool_stats();
    for (int i = 0; i < 20; ++i) step();
    CHECK(dnnl_ctx::cache_stats().misses == misses);
    CHECK(pool_stats().fresh_allocations == pool.fresh_allocations);
    CHECK(pool_stats().live_buffers == pool.live_buffers);
}

TEST_CASE("precision guard restores f32", "[ops][bf16]") {
    CHECK(ops::compute_precision() == ops::Precision::f32);
    {
        const ops::PrecisionGuard bf16(ops::Precision::bf16);
        CHECK(ops::compute_precision() == ops::Precision::bf16);
    }
    CHECK(ops::compute_precision() == ops::Precision::f32);
}
