#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/weight_reorders.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/reference.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

struct ConvConfig {
    std::int64_t n, h, w, c, o, k, stride, pad;
    bool bias;
};

void check_forward(const ConvConfig& cfg, bool graph, std::uint64_t seed) {
    Rng rng(seed);
    Variable x(random_tensor({cfg.n, cfg.h, cfg.w, cfg.c}, rng), graph);
    Variable w(random_tensor({cfg.o, cfg.c, cfg.k, cfg.k}, rng), graph);
    Variable b = cfg.bias ? Variable(random_tensor({cfg.o}, rng), graph) : Variable();
    const Variable y = ops::conv2d(x, w, b, {.stride = cfg.stride, .padding = cfg.pad});
    const ConvRef ref = conv2d_reference(x.value(), w.value(), cfg.bias ? &b.value() : nullptr, cfg.stride, cfg.pad);
    REQUIRE(y.shape() == ref.y.shape());
    CHECK(max_rel_diff(y.value(), ref.y) < 1e-4);
    CHECK(y.requires_grad() == graph);
}

}  // namespace

TEST_CASE("conv2d forward matches a naive loop (stride, padding, bias, both prop kinds)", "[ops][conv2d]") {
    const std::vector<ConvConfig> configs = {
        {2, 5, 5, 3, 4, 3, 1, 1, true},    {2, 5, 5, 3, 4, 3, 2, 1, true}, {2, 6, 7, 3, 5, 2, 2, 0, false},
        {1, 4, 4, 8, 8, 1, 1, 0, true},    {3, 7, 5, 2, 3, 3, 3, 2, true}, {2, 8, 8, 16, 32, 3, 1, 1, true},
        {2, 9, 9, 32, 16, 3, 2, 1, false}, {1, 3, 3, 4, 4, 5, 1, 1, true},
    };
    std::uint64_t seed = 1;
    for (const auto& cfg : configs) {
        INFO("N " << cfg.n << " H " << cfg.h << " W " << cfg.w << " C " << cfg.c << " O " << cfg.o << " k " << cfg.k
                  << " stride " << cfg.stride << " pad " << cfg.pad << " bias " << cfg.bias);
        check_forward(cfg, true, seed++);
        check_forward(cfg, false, seed++);
    }
}

TEST_CASE("conv2d backward matches naive gradients, blocked weight formats included", "[ops][conv2d]") {
    // Large enough channel counts that oneDNN picks blocked weight formats (reorders on both sides).
    const std::vector<ConvConfig> configs = {
        {2, 8, 8, 16, 32, 3, 1, 1, true}, {2, 9, 9, 32, 16, 3, 2, 1, false}, {2, 5, 5, 3, 4, 3, 2, 1, true}};
    std::uint64_t seed = 100;
    for (const auto& cfg : configs) {
        INFO("C " << cfg.c << " O " << cfg.o << " stride " << cfg.stride);
        Rng rng(seed++);
        Variable x(random_tensor({cfg.n, cfg.h, cfg.w, cfg.c}, rng), true);
        Variable w(random_tensor({cfg.o, cfg.c, cfg.k, cfg.k}, rng), true);
        Variable b = cfg.bias ? Variable(random_tensor({cfg.o}, rng), true) : Variable();
        Variable y = ops::conv2d(x, w, b, {.stride = cfg.stride, .padding = cfg.pad});
        Tensor g = random_tensor(y.shape(), rng);
        y.backward(g);
        const ConvRef ref =
            conv2d_reference(x.value(), w.value(), cfg.bias ? &b.value() : nullptr, cfg.stride, cfg.pad, &g);
        CHECK(max_rel_diff(x.grad(), ref.gx) < 1e-4);
        CHECK(max_rel_diff(w.grad(), ref.gw) < 1e-4);
        if (cfg.bias) CHECK(max_rel_diff(b.grad(), ref.gb) < 1e-4);
    }
}

TEST_CASE("conv2d gradcheck at stride 1 without bias and with only some inputs requiring grad", "[ops][conv2d]") {
    Rng rng(5);
    auto conv = [](const std::vector<Variable>& v) {
        return ops::conv2d(v[0], v[1], Variable(), {.stride = 1, .padding = 1});
    };
    const GradcheckResult both = gradcheck(
        conv, {Variable(random_tensor({2, 4, 4, 3}, rng), true), Variable(random_tensor({2, 3, 3, 3}, rng), true)});
    CHECK(both.max_rel_error < 2e-2);
    const GradcheckResult only_x =
        gradcheck(conv, {Variable(random_tensor({1, 4, 4, 2}, rng), true), Variable(random_tensor({2, 2, 3, 3}, rng))});
    CHECK(only_x.checked == 32);
    CHECK(only_x.max_rel_error < 2e-2);
    const GradcheckResult only_w =
        gradcheck(conv, {Variable(random_tensor({1, 4, 4, 2}, rng)), Variable(random_tensor({2, 2, 3, 3}, rng), true)});
    CHECK(only_w.checked == 36);
    CHECK(only_w.max_rel_error < 2e-2);
}

TEST_CASE("conv2d sees weight updates through the version or a new storage", "[ops][conv2d]") {
    Rng rng(9);
    Variable x(random_tensor({2, 6, 6, 16}, rng));
    Variable w(random_tensor({16, 16, 3, 3}, rng), true);
    Variable b(random_tensor({16}, rng));
    auto reference = [&] { return conv2d_reference(x.value(), w.value(), &b.value(), 1, 1).y; };
    CHECK(max_rel_diff(ops::conv2d(x, w, b, {1, 1}).value(), reference()) < 1e-4);

    // An optimizer-style in-place update, which bumps the version.
    for (auto& v : w.value().values_in_place()) v *= -0.5f;
    CHECK(max_rel_diff(ops::conv2d(x, w, b, {1, 1}).value(), reference()) < 1e-4);

    // A fresh storage (loading a checkpoint by assignment) is noticed without a bump.
    w.value() = random_tensor(w.shape(), rng);
    CHECK(max_rel_diff(ops::conv2d(x, w, b, {1, 1}).value(), reference()) < 1e-4);
    {
        NoGradGuard no_grad;  // the inference primitive may want another format
        CHECK(max_rel_diff(ops::conv2d(x, w, b, {1, 1}).value(), reference()) < 1e-4);
    }
}

TEST_CASE("conv2d rejects bad shapes with clear errors", "[ops][conv2d]") {
    Variable x(Tensor::zeros({2, 5, 5, 3}));
    Variable w(Tensor::zeros({4, 3, 3, 3}));
    CHECK_THROWS_WITH(ops::conv2d(Variable(Tensor::zeros({5, 5, 3})), w, Variable()),
                      Catch::Contains("input must be NHWC"));
    CHECK_THROWS_WITH(ops::conv2d(x, Variable(Tensor::zeros({4, 27})), Variable()),
                      Catch::Contains("weight must be OIHW"));
    CHECK_THROWS_WITH(ops::conv2d(x, Variable(Tensor::zeros({4, 2, 3, 3})), Variable()),
                      Catch::Contains("has 3 channels but weight"));
    CHECK_THROWS_WITH(ops::conv2d(x, w, Variable(Tensor::zeros({3}))), Catch::Contains("bias [3] does not match"));
    CHECK_THROWS_WITH(ops::conv2d(x, w, Variable(), {.stride = 0}), Catch::Contains("stride must be >= 1"));
    CHECK_THROWS_WITH(ops::conv2d(x, w, Variable(), {.stride = 1, .padding = -1}),
                      Catch::Contains("padding must be >= 0"));
    CHECK_THROWS_WITH(ops::conv2d(x, Variable(Tensor::zeros({4, 3, 7, 7})), Variable()),
                      Catch::Contains("larger than the padded input"));
    CHECK_NOTHROW(ops::conv2d(x, Variable(Tensor::zeros({4, 3, 7, 7})), Variable(), {.stride = 1, .padding = 1}));
}

TEST_CASE("conv2d counts weight reorders once per version", "[ops][conv2d]") {
    // C = O = 32: blocked weight formats on any AVX-512/AVX2 CPU (plain OIHW would need no reorder).
    Rng rng(21);
    Variable x(random_tensor({2, 6, 6, 32}, rng), true);
    Variable w(random_tensor({32, 32, 3, 3}, rng), true);
    auto step = [&] {
        Variable y = ops::conv2d(x, w, Variable(), {1, 1});
        y.backward(Tensor::full(y.shape(), 0.1f));
    };
    step();
    const std::uint64_t after_first = ops::weight_reorder_count();
    step();
    step();
    CHECK(ops::weight_reorder_count() == after_first);
    for (auto& v : w.value().values_in_place()) v *= 0.5f;
    step();
    const std::uint64_t per_version = ops::weight_reorder_count() - after_first;
    CHECK(per_version <= 2);  // forward and backward-data formats, at most

    // Dropping the prepared weights forces a fresh reorder but changes no result.
    const Tensor before = ops::conv2d(x, w, Variable(), {1, 1}).value().clone();
    const std::uint64_t count = ops::weight_reorder_count();
    ops::release_prepared_weights();
    const Tensor after = ops::conv2d(x, w, Variable(), {1, 1}).value();
    CHECK(ops::weight_reorder_count() > count);
    CHECK(max_rel_diff(after, before) == 0.0);
}
