// bf16 activations between primitives in the differentiable pass (framework/ops/post_ops.hpp, Bf16Io): conv2d,
// batch_norm and add reading and writing bf16 tensors and gradients, against the same ops on the widened values.
// Inputs and incoming gradients are made exactly representable in bf16, so the reference path's own conversions
// are exact and every difference is the rounding of the bf16 outputs, at most one bf16 ulp (2^-8 relative), or the
// order of f32 sums. Where oneDNN has no bf16 implementation (CPUs without AVX-512) each case warns and checks
// nothing.
#include <cmath>
#include <cstdint>
#include <cstring>

#include <catch2/catch.hpp>

#include "framework/core/random.hpp"
#include "framework/ops/fused_inference.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/precision.hpp"
#include "framework/tensor/bf16.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

bool bf16_or_warn() {
    if (ops::bf16_available()) return true;
    WARN("SKIPPED: oneDNN has no bf16 implementation on this CPU (it needs AVX-512); bf16 activations are untested");
    return false;
}

float round_bf16(float f) { return from_bf16_bits(bf16_bits(f)); }

// The f32 tensor with every value rounded to bf16 (still f32).
Tensor rounded(const Tensor& t) {
    Tensor r = t.clone();
    for (float& v : r.values()) v = round_bf16(v);
    return r;
}

// A bf16 tensor as the ops hold one: t's logical shape, f32-sized storage whose first half the bf16 values fill.
Tensor to_bf16(const Tensor& t) {
    Tensor b = Tensor::empty(t.shape());
    auto* bits = reinterpret_cast<std::uint16_t*>(b.data());
    for (std::int64_t i = 0; i < t.numel(); ++i) bits[i] = bf16_bits(t.at(i));
    return b;
}

// A variable holding t's values in bf16, marked so (Variable::holds_bf16), as an op with a bf16 output makes one.
Variable bf16_variable(const Tensor& t) {
    Variable v(to_bf16(t), true);
    v.impl()->bf16 = true;
    return v;
}

Tensor widened(const Tensor& b) {
    Tensor t = Tensor::empty(b.shape());
    const auto* bits = reinterpret_cast<const std::uint16_t*>(b.data());
    for (std::int64_t i = 0; i < b.numel(); ++i) t.at(i) = from_bf16_bits(bits[i]);
    return t;
}

// How many elements of `got` are more than `ulps` bf16 ulps (2^-8 of the magnitude, floored at `floor`) from `want`.
std::int64_t beyond(const Tensor& got, const Tensor& want, double ulps, double floor = 0.0) {
    REQUIRE(got.shape() == want.shape());
    std::int64_t n = 0;
    for (std::int64_t i = 0; i < got.numel(); ++i) {
        const double scale = std::max(std::abs(static_cast<double>(want.at(i))), floor);
        n += std::abs(static_cast<double>(got.at(i)) - want.at(i)) > ulps * std::ldexp(scale, -8);
    }
    return n;
}

std::int64_t differing(const Tensor& a, const Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    std::int64_t n = 0;
    for (std::int64_t i = 0; i < a.numel(); ++i) n += a.at(i) != b.at(i);
    return n;
}

float max_abs(const Tensor& t) {
    float m = 0.0f;
    for (const float v : t.values()) m = std::max(m, std::abs(v));
    return m;
}

}  // namespace

TEST_CASE("conv2d reads and writes bf16 activations and gradients", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    Rng rng(71);
    const Tensor x = rounded(random_tensor({2, 9, 9, 16}, rng));
    const Tensor w = random_tensor({32, 16, 3, 3}, rng);
    const Tensor b = random_tensor({32}, rng);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    for (const std::int64_t stride : {1, 2}) {
        INFO("stride " << stride);
        const ops::Conv2dOptions options{.stride = stride, .padding = 1};
        Variable xr(x, true), wr(w.clone(), true), br(b.clone(), true);
        Variable yr = ops::conv2d(xr, wr, br, options);
        const Tensor g = rounded(random_tensor(yr.shape(), rng));
        yr.backward(g);

        Variable x16 = bf16_variable(x), w16(w.clone(), true), b16(b.clone(), true);
        const auto inputs = ops::bf16_input_conversions(), gradients = ops::bf16_gradient_conversions();
        Variable y16 = ops::conv2d(x16, w16, b16, options, {.bf16 = {.input = true, .output = true}});
        y16.backward(to_bf16(g));
        CHECK(ops::bf16_input_conversions() == inputs);  // neither side converted anything
        CHECK(ops::bf16_gradient_conversions() == gradients);

        // The output and the input's gradient: the reference's f32 values, rounded once.
        CHECK(beyond(widened(y16.value()), yr.value(), 1.0) == 0);
        CHECK(beyond(widened(x16.grad()), xr.grad(), 1.0) == 0);
        CHECK(differing(widened(y16.value()), rounded(yr.value())) < y16.value().numel() / 100);
        CHECK(differing(widened(y16.value()), yr.value()) > 0);  // it really wrote bf16
        // The weight gradients read the same bf16 operands, into f32.
        CHECK(differing(w16.grad(), wr.grad()) == 0);
        CHECK(differing(b16.grad(), br.grad()) == 0);
    }
}

TEST_CASE("batch_norm reads and writes bf16 activations and gradients, with f32 statistics", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    Rng rng(72);
    const Tensor x = rounded(random_tensor({4, 5, 5, 24}, rng, -2.0f, 3.0f));
    const Tensor gamma = random_tensor({24}, rng, 0.5f, 1.5f), beta = random_tensor({24}, rng);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    for (const bool relu : {false, true}) {
        INFO("relu " << relu);
        Tensor mean_r = Tensor::zeros({24}), var_r = Tensor::full({24}, 1.0f);
        Tensor mean_16 = Tensor::zeros({24}), var_16 = Tensor::full({24}, 1.0f);
        Variable xr(x, true), gr(gamma.clone(), true), br(beta.clone(), true);
        Variable yr = ops::batch_norm(xr, gr, br, {&mean_r, &var_r, 0.1f, 1e-5f, true}, {.relu = relu});
        const Tensor g = rounded(random_tensor(yr.shape(), rng));
        yr.backward(g);

        Variable x16 = bf16_variable(x), g16(gamma.clone(), true), b16(beta.clone(), true);
        Variable y16 = ops::batch_norm(x16, g16, b16, {&mean_16, &var_16, 0.1f, 1e-5f, true},
                                       {.relu = relu, .bf16 = {.input = true, .output = true}});
        y16.backward(to_bf16(g));

        CHECK(beyond(widened(y16.value()), yr.value(), 1.0, 1e-3) == 0);
        CHECK(differing(widened(y16.value()), yr.value()) > 0);
        // The input's gradient cancels terms of the size of the largest gradient: rounding, plus the f32 sums' order
        // relative to that size.
        CHECK(beyond(widened(x16.grad()), xr.grad(), 1.0, 1e-2 * max_abs(xr.grad())) == 0);
        // gamma's and beta's gradients are f32 sums over the same bf16 values, in another order.
        CHECK(beyond(g16.grad(), gr.grad(), 1e-3, max_abs(gr.grad())) == 0);
        CHECK(beyond(b16.grad(), br.grad(), 1e-3, max_abs(br.grad())) == 0);
        CHECK(beyond(mean_16, mean_r, 1e-3, 1e-3) == 0);
        CHECK(beyond(var_16, var_r, 1e-3, 1e-3) == 0);
    }
}

TEST_CASE("add sums bf16 and f32 inputs in f32 into either type, and hands each input its gradient in its type",
          "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    Rng rng(73);
    const Tensor a = rounded(random_tensor({3, 4, 4, 16}, rng)), b = rounded(random_tensor({3, 4, 4, 16}, rng));
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    struct Types {
        bool a, b, out;
    };
    // Every combination oneDNN's jit kernel runs: one input in the output's type, put first whichever it is.
    for (const Types t : {Types{true, false, false}, Types{false, true, false}, Types{true, false, true},
                          Types{false, true, true}, Types{true, true, true}})
        for (const bool relu : {false, true}) {
            INFO("a bf16 " << t.a << ", b bf16 " << t.b << ", output bf16 " << t.out << ", relu " << relu);
            Variable ar(a, true), br(b, true);
            Variable yr = ops::add(ar, br, {.relu = relu});
            const Tensor g = rounded(random_tensor(yr.shape(), rng));
            yr.backward(g);
            Variable a_in = t.a ? bf16_variable(a) : Variable(a, true);
            Variable b_in = t.b ? bf16_variable(b) : Variable(b, true);
            Variable y = ops::add(a_in, b_in, {.relu = relu, .bf16 = {.output = t.out}});
            CHECK(y.holds_bf16() == t.out);
            y.backward(t.out ? to_bf16(g) : g);
            // The f32 sum of the same values, rounded once when the output is bf16; the gradient likewise.
            CHECK(differing(t.out ? widened(y.value()) : y.value(), t.out ? rounded(yr.value()) : yr.value()) == 0);
            CHECK(differing(t.a ? widened(a_in.grad()) : a_in.grad(), ar.grad()) == 0);
            CHECK(differing(t.b ? widened(b_in.grad()) : b_in.grad(), br.grad()) == 0);
        }
}

TEST_CASE("gradients of a bf16 variable are summed as bf16", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    Rng rng(75);
    const Tensor a = rounded(random_tensor({2, 3, 3, 16}, rng)), b = rounded(random_tensor({2, 3, 3, 16}, rng));
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    // x feeds two adds, as a residual block's input feeds its two paths: its gradient is the sum of both, in bf16
    // (the second backward adds onto the first's).
    Variable x = bf16_variable(a);
    Variable left = ops::add(x, Variable(b), {.bf16 = {.output = true}});
    Variable right = ops::add(x, Variable(b), {.bf16 = {.output = true}});
    const Tensor gl = rounded(random_tensor(left.shape(), rng)), gr = rounded(random_tensor(right.shape(), rng));
    left.backward(to_bf16(gl));
    right.backward(to_bf16(gr));
    Tensor want = gl.clone();
    for (std::int64_t i = 0; i < want.numel(); ++i) want.at(i) = round_bf16(gl.at(i) + gr.at(i));
    CHECK(differing(widened(x.grad()), want) == 0);
}

TEST_CASE("conv2d with a fused ReLU writes bf16 and masks a bf16 gradient", "[ops][bf16]") {
    if (!bf16_or_warn()) return;
    Rng rng(76);
    const Tensor x = rounded(random_tensor({2, 6, 6, 16}, rng));
    const Tensor w = random_tensor({16, 16, 3, 3}, rng);
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    Variable xr(x, true), wr(w.clone(), true);
    Variable yr = ops::conv2d(xr, wr, Variable(), {.padding = 1}, {.relu = true});
    const Tensor g = rounded(random_tensor(yr.shape(), rng));
    yr.backward(g);
    Variable x16 = bf16_variable(x), w16(w.clone(), true);
    Variable y16 = ops::conv2d(x16, w16, Variable(), {.padding = 1}, {.relu = true, .bf16 = {true, true}});
    y16.backward(to_bf16(g));
    CHECK(differing(widened(y16.value()), rounded(yr.value())) < y16.value().numel() / 100);
    CHECK(beyond(widened(y16.value()), yr.value(), 1.0) == 0);
    CHECK(beyond(widened(x16.grad()), xr.grad(), 1.0) == 0);
    CHECK(differing(w16.grad(), wr.grad()) == 0);  // the same masked bf16 gradient, into f32
}

TEST_CASE("bf16 activations are refused where they cannot be", "[ops][bf16]") {
    Rng rng(74);
    Variable x(random_tensor({2, 4, 4, 8}, rng), true);
    Variable w(random_tensor({8, 8, 3, 3}, rng), true);
    Variable gamma(Tensor::full({8}, 1.0f), true), beta(Tensor::zeros({8}), true);
    Tensor mean = Tensor::zeros({8}), var = Tensor::full({8}, 1.0f);
    const ops::BatchNormState state{&mean, &var, 0.1f, 1e-5f, true};
    // Under f32 compute precision.
    CHECK_THROWS_WITH(ops::conv2d(x, w, Variable(), {.padding = 1}, {.bf16 = {.output = true}}),
                      Catch::Contains("bf16 activations under f32"));
    CHECK_THROWS_WITH(ops::batch_norm(x, gamma, beta, state, {.bf16 = {.input = true, .output = true}}),
                      Catch::Contains("bf16 activations under f32"));
    CHECK_THROWS_WITH(ops::add(x, x, {.bf16 = {.output = true}}), Catch::Contains("bf16 activations under f32"));
    // By ops without a bf16 form.
    CHECK_THROWS_WITH(ops::max_pool2d(x, {.kernel = 2, .stride = 2}, {.bf16 = {.input = true}}),
                      Catch::Contains("unsupported post-op bf16 input"));
    if (!ops::bf16_available()) return;
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    // A batch norm asked to change type, an add whose output type neither input has, and an input whose type is
    // not the planned one (a bf16 tensor read as f32 would be a silently wrong result).
    CHECK_THROWS_WITH(ops::batch_norm(x, gamma, beta, state, {.bf16 = {.input = true}}),
                      Catch::Contains("input and output both, or neither"));
    CHECK_THROWS_WITH(ops::add(x, x, {.bf16 = {.output = true}}), Catch::Contains("a bf16 output from two f32 inputs"));
    Variable x16 = bf16_variable(x.value());
    CHECK_THROWS_WITH(ops::add(x16, x16), Catch::Contains("an f32 output from two bf16 inputs"));
    CHECK_THROWS_WITH(ops::conv2d(x16, w, Variable(), {.padding = 1}),
                      Catch::Contains("conv2d: its input holds bf16 values, where f32 were planned"));
    // The ops that read only f32 refuse one too.
    CHECK_THROWS_WITH(ops::max_pool2d(x16, {.kernel = 2, .stride = 2}),
                      Catch::Contains("its input holds bf16 values, where f32 were planned"));
    CHECK_THROWS_WITH(ops::global_avg_pool(x16), Catch::Contains("global_avg_pool: its input holds bf16 values"));
    CHECK_THROWS_WITH(ops::reshape(x16, {2, 128}), Catch::Contains("reshape: its input holds bf16 values"));
    CHECK_THROWS_WITH(ops::relu(x16), Catch::Contains("relu: its input holds bf16 values"));
    CHECK_THROWS_WITH(ops::batch_norm(x, gamma, beta, state, {.bf16 = {.input = true, .output = true}}),
                      Catch::Contains("batch_norm: its input holds f32 values, where bf16 were planned"));
}
