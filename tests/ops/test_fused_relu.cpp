// Ops with the relu post-op (linear, conv2d, add, max_pool2d) compute what relu(op(...)) computes: the output
// and every input gradient are compared with tolerance 0 (the same primitives accumulate in the same order,
// max(0, ·) is exact, and backward masks with the relu op's own eltwise primitive), and each fused op's
// backward matches central finite differences.
#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

constexpr ops::PostOps kRelu{.relu = true};

// Fresh leaves holding the same values, so the two paths accumulate into separate gradients.
std::vector<Variable> leaves(const std::vector<Tensor>& values) {
    std::vector<Variable> v;
    for (const auto& t : values) v.emplace_back(t.clone(), true);
    return v;
}

void check_fused_equals_unfused(const OpFn& fused, const OpFn& unfused, const std::vector<Tensor>& values, Rng& rng) {
    std::vector<Variable> a = leaves(values), b = leaves(values);
    Variable ya = fused(a), yb = ops::relu(unfused(b));
    REQUIRE(ya.shape() == yb.shape());
    std::int64_t positive = 0;
    for (std::int64_t i = 0; i < ya.value().numel(); ++i) {
        CHECK(ya.value().at(i) == yb.value().at(i));
        positive += yb.value().at(i) > 0.0f;
    }
    // Both signs occur, so the mask is really exercised.
    CHECK(positive > 0);
    CHECK(positive < ya.value().numel());
    const Tensor seed = random_tensor(ya.shape(), rng);
    ya.backward(seed);
    yb.backward(seed);
    for (std::size_t k = 0; k < a.size(); ++k) {
        INFO("input " << k);
        REQUIRE(a[k].grad().defined());
        for (std::int64_t i = 0; i < a[k].value().numel(); ++i) CHECK(a[k].grad().at(i) == b[k].grad().at(i));
    }
}

// The smallest |pre-activation|. A finite-difference step (h = 1e-2 on one input of the small cases below)
// moves a pre-activation by at most about 0.01, so above `margin` (0.03 or more) no step crosses the kink.
float min_abs_preactivation(const OpFn& unfused, const std::vector<Tensor>& values) {
    const Variable z = unfused(leaves(values));
    float m = INFINITY;
    for (float v : z.value().values()) m = std::min(m, std::abs(v));
    return m;
}

void check_gradients(const OpFn& fused, const OpFn& unfused, const std::vector<Tensor>& values, float margin = 0.05f) {
    REQUIRE(min_abs_preactivation(unfused, values) > margin);
    const GradcheckResult r = gradcheck(fused, leaves(values));
    INFO("max abs error " << r.max_abs_error);
    CHECK(r.checked > 0);
    CHECK(r.max_rel_error < 2e-2);
}

}  // namespace

TEST_CASE("linear with a fused relu equals relu(linear), forward and backward", "[ops][linear][fused]") {
    Rng rng(31);
    const OpFn fused = [](const std::vector<Variable>& v) { return ops::linear(v[0], v[1], v[2], kRelu); };
    const OpFn plain = [](const std::vector<Variable>& v) { return ops::linear(v[0], v[1], v[2]); };
    check_fused_equals_unfused(
        fused, plain, {random_tensor({64, 96}, rng), random_tensor({80, 96}, rng), random_tensor({80}, rng)}, rng);
    const OpFn fused_no_bias = [](const std::vector<Variable>& v) {
        return ops::linear(v[0], v[1], Variable(), kRelu);
    };
    const OpFn plain_no_bias = [](const std::vector<Variable>& v) { return ops::linear(v[0], v[1], Variable()); };
    check_fused_equals_unfused(fused_no_bias, plain_no_bias, {random_tensor({8, 5}, rng), random_tensor({6, 5}, rng)},
                               rng);
    // Biases of ±[0.3, 0.5] keep every pre-activation of this small case away from zero.
    Tensor bias = random_tensor({5}, rng, 0.3f, 0.5f);
    for (std::int64_t i = 0; i < 5; i += 2) bias.at(i) = -bias.at(i);
    check_gradients(fused, plain, {random_tensor({3, 4}, rng, -0.1f, 0.1f), random_tensor({5, 4}, rng), bias});
}

TEST_CASE("conv2d with a fused relu equals relu(conv2d), forward and backward", "[ops][conv2d][fused]") {
    Rng rng(32);
    const OpFn fused = [](const std::vector<Variable>& v) {
        return ops::conv2d(v[0], v[1], v[2], {.stride = 1, .padding = 2}, kRelu);
    };
    const OpFn plain = [](const std::vector<Variable>& v) {
        return ops::conv2d(v[0], v[1], v[2], {.stride = 1, .padding = 2});
    };
    check_fused_equals_unfused(
        fused, plain, {random_tensor({4, 12, 12, 8}, rng), random_tensor({16, 8, 5, 5}, rng), random_tensor({16}, rng)},
        rng);
    const OpFn fused_strided = [](const std::vector<Variable>& v) {
        return ops::conv2d(v[0], v[1], Variable(), {.stride = 2, .padding = 1}, kRelu);
    };
    const OpFn plain_strided = [](const std::vector<Variable>& v) {
        return ops::conv2d(v[0], v[1], Variable(), {.stride = 2, .padding = 1});
    };
    check_fused_equals_unfused(fused_strided, plain_strided,
                               {random_tensor({2, 9, 9, 16}, rng), random_tensor({32, 16, 3, 3}, rng)}, rng);
    Tensor bias = random_tensor({4}, rng, 0.3f, 0.5f);
    bias.at(1) = -bias.at(1);
    bias.at(2) = -bias.at(2);
    const OpFn small = [](const std::vector<Variable>& v) {
        return ops::conv2d(v[0], v[1], v[2], {.stride = 2, .padding = 1}, kRelu);
    };
    const OpFn small_plain = [](const std::vector<Variable>& v) {
        return ops::conv2d(v[0], v[1], v[2], {.stride = 2, .padding = 1});
    };
    check_gradients(
        small, small_plain,
        {random_tensor({2, 5, 5, 3}, rng, -0.1f, 0.1f), random_tensor({4, 3, 3, 3}, rng, -0.2f, 0.2f), bias});
}

TEST_CASE("add with a fused relu equals relu(add), forward and backward", "[ops][add][fused]") {
    Rng rng(33);
    const OpFn fused = [](const std::vector<Variable>& v) { return ops::add(v[0], v[1], kRelu); };
    const OpFn plain = [](const std::vector<Variable>& v) { return ops::add(v[0], v[1]); };
    check_fused_equals_unfused(fused, plain, {random_tensor({4, 6, 6, 16}, rng), random_tensor({4, 6, 6, 16}, rng)},
                               rng);
    // a away from zero and b small: every sum keeps a's sign.
    Tensor a = random_tensor({2, 3, 2, 2}, rng, 0.2f, 1.0f);
    for (std::int64_t i = 0; i < a.numel(); i += 3) a.at(i) = -a.at(i);
    check_gradients(fused, plain, {a, random_tensor({2, 3, 2, 2}, rng, -0.1f, 0.1f)});
}

TEST_CASE("max_pool2d with a fused relu equals pooling before or after relu, forward and backward",
          "[ops][pooling][fused]") {
    Rng rng(34);
    for (const ops::Pool2dOptions& o : {ops::Pool2dOptions{.kernel = 2, .stride = 2, .padding = 0},
                                        ops::Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1},
                                        ops::Pool2dOptions{.kernel = 2, .stride = 2, .padding = 1}}) {
        INFO("kernel " << o.kernel << " stride " << o.stride << " padding " << o.padding);
        const OpFn fused = [o](const std::vector<Variable>& v) { return ops::max_pool2d(v[0], o, kRelu); };
        const OpFn plain = [o](const std::vector<Variable>& v) { return ops::max_pool2d(v[0], o); };
        const std::vector<Tensor> values{random_tensor({3, 8, 8, 24}, rng)};
        check_fused_equals_unfused(fused, plain, values, rng);
        // The other order, relu first, as LeNet's layers are written.
        std::vector<Variable> a = leaves(values), b = leaves(values);
        Variable ya = fused(a), yb = ops::max_pool2d(ops::relu(b[0]), o);
        const Tensor seed = random_tensor(ya.shape(), rng);
        ya.backward(seed);
        yb.backward(seed);
        CHECK(std::equal(ya.value().values().begin(), ya.value().values().end(), yb.value().values().begin()));
        CHECK(std::equal(a[0].grad().values().begin(), a[0].grad().values().end(), b[0].grad().values().begin()));

        Tensor distinct = Tensor::empty({2, 5, 5, 3});
        // Spaced by 0.1, so windows have clear winners, and at least 0.05 from zero.
        for (std::int64_t i = 0; i < distinct.numel(); ++i) distinct.at(i) = 0.1f * static_cast<float>(i) - 7.45f;
        for (std::int64_t i = distinct.numel() - 1; i > 0; --i)
            std::swap(distinct.at(i), distinct.at(static_cast<std::int64_t>(rng.below(i + 1))));
        check_gradients(fused, plain, {distinct}, 0.03f);
    }
}
