#include <cmath>

#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/reference.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

struct Stats {
    std::vector<double> mean, var;  // biased variance
};

// Per-channel statistics of x, whose channel axis is the last one ([N, C] or NHWC).
Stats channel_stats(const Tensor& x) {
    const std::int64_t c = x.dim(x.rank() - 1), rows = x.numel() / c;
    Stats s{std::vector<double>(static_cast<std::size_t>(c), 0.0),
            std::vector<double>(static_cast<std::size_t>(c), 0.0)};
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t j = 0; j < c; ++j) s.mean[static_cast<std::size_t>(j)] += x.at(r * c + j);
    for (auto& m : s.mean) m /= static_cast<double>(rows);
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t j = 0; j < c; ++j) {
            const double d = x.at(r * c + j) - s.mean[static_cast<std::size_t>(j)];
            s.var[static_cast<std::size_t>(j)] += d * d;
        }
    for (auto& v : s.var) v /= static_cast<double>(rows);
    return s;
}

Tensor normalise(const Tensor& x, const std::vector<double>& mean, const std::vector<double>& var, const Tensor& gamma,
                 const Tensor& beta, double eps) {
    const std::int64_t c = x.dim(x.rank() - 1);
    Tensor y = Tensor::empty(x.shape());
    for (std::int64_t i = 0; i < x.numel(); ++i) {
        const auto j = static_cast<std::size_t>(i % c);
        y.at(i) = static_cast<float>((x.at(i) - mean[j]) / std::sqrt(var[j] + eps) * gamma.at(i % c) + beta.at(i % c));
    }
    return y;
}

}  // namespace

TEST_CASE("batch_norm training normalises with batch statistics and updates the running averages", "[ops][bn]") {
    Rng rng(3);
    for (const Shape& s : {Shape{2, 3, 3, 4}, Shape{6, 5}, Shape{4, 4, 4, 32}}) {
        INFO("input " << s.str());
        const std::int64_t c = s[s.rank() - 1], rows = s.numel() / c;
        Variable x(random_tensor(s, rng, -2.0f, 3.0f), true);
        Variable gamma(random_tensor({c}, rng, 0.5f, 1.5f), true);
        Variable beta(random_tensor({c}, rng), true);
        Tensor running_mean = random_tensor({c}, rng);
        Tensor running_var = random_tensor({c}, rng, 0.5f, 2.0f);
        const Tensor old_mean = running_mean.clone(), old_var = running_var.clone();
        ops::BatchNormState state{&running_mean, &running_var, 0.25f, 1e-3f, true};
        const Variable y = ops::batch_norm(x, gamma, beta, state);

        const Stats st = channel_stats(x.value());
        CHECK(max_rel_diff(y.value(), normalise(x.value(), st.mean, st.var, gamma.value(), beta.value(), 1e-3)) < 1e-4);
        for (std::int64_t j = 0; j < c; ++j) {
            const auto u = static_cast<std::size_t>(j);
            const double unbiased = st.var[u] * static_cast<double>(rows) / static_cast<double>(rows - 1);
            CHECK(running_mean.at(j) == Approx(0.75 * old_mean.at(j) + 0.25 * st.mean[u]).epsilon(1e-5));
            CHECK(running_var.at(j) == Approx(0.75 * old_var.at(j) + 0.25 * unbiased).epsilon(1e-5));
        }
    }
}

TEST_CASE("batch_norm evaluation uses the running averages and leaves them unchanged", "[ops][bn]") {
    Rng rng(4);
    const Shape s{3, 2, 2, 6};
    Variable x(random_tensor(s, rng));
    Variable gamma(random_tensor({6}, rng, 0.5f, 1.5f));
    Variable beta(random_tensor({6}, rng));
    Tensor running_mean = random_tensor({6}, rng);
    Tensor running_var = random_tensor({6}, rng, 0.5f, 2.0f);
    const Tensor old_mean = running_mean.clone(), old_var = running_var.clone();
    ops::BatchNormState state{&running_mean, &running_var, 0.1f, 1e-5f, false};
    std::vector<double> m(6), v(6);
    for (std::size_t j = 0; j < 6; ++j)
        m[j] = old_mean.at(static_cast<std::int64_t>(j)), v[j] = old_var.at(static_cast<std::int64_t>(j));
    const Tensor ref = normalise(x.value(), m, v, gamma.value(), beta.value(), 1e-5);
    CHECK(max_rel_diff(ops::batch_norm(x, gamma, beta, state).value(), ref) < 1e-5);  // forward_inference
    x.set_requires_grad(true);
    CHECK(max_rel_diff(ops::batch_norm(x, gamma, beta, state).value(), ref) < 1e-5);  // training pd, global stats
    CHECK(max_rel_diff(running_mean, old_mean) == 0.0);
    CHECK(max_rel_diff(running_var, old_var) == 0.0);
}

TEST_CASE("batch_norm gradcheck in both modes, NHWC and [N, C]", "[ops][bn]") {
    Rng rng(5);
    for (const bool training : {true, false}) {
        for (const Shape& s : {Shape{2, 3, 3, 3}, Shape{5, 4}}) {
            INFO((training ? "training " : "eval ") << s.str());
            const std::int64_t c = s[s.rank() - 1];
            auto running = std::make_shared<std::pair<Tensor, Tensor>>(random_tensor({c}, rng),
                                                                       random_tensor({c}, rng, 0.5f, 2.0f));
            auto f = [running, training](const std::vector<Variable>& v) {
                ops::BatchNormState state{&running->first, &running->second, 0.1f, 1e-5f, training};
                return ops::batch_norm(v[0], v[1], v[2], state);
            };
            const GradcheckResult r = gradcheck(
                f, {Variable(random_tensor(s, rng), true), Variable(random_tensor({c}, rng, 0.5f, 1.5f), true),
                    Variable(random_tensor({c}, rng), true)});
            CHECK(r.checked == s.numel() + 2 * c);
            CHECK(r.max_rel_error < 2e-2);
        }
    }
}

TEST_CASE("batch_norm without gamma and beta, and with only gamma requiring grad", "[ops][bn]") {
    Rng rng(6);
    const Shape s{4, 3};
    Variable x(random_tensor(s, rng), true);
    ops::BatchNormState state{nullptr, nullptr, 0.1f, 1e-5f, true};
    Variable y = ops::batch_norm(x, Variable(), Variable(), state);
    const Stats st = channel_stats(x.value());
    CHECK(max_rel_diff(y.value(), normalise(x.value(), st.mean, st.var, Tensor::full({3}, 1.0f), Tensor::zeros({3}),
                                            1e-5)) < 1e-4);
    // The gradient of Σ y over a normalised channel is zero.
    y.backward(Tensor::full(s, 1.0f));
    for (float g : x.grad().values()) CHECK(std::abs(g) < 1e-4f);

    Variable gamma(Tensor::full({3}, 2.0f), true);
    Variable x2(random_tensor(s, rng));
    Variable y2 = ops::batch_norm(x2, gamma, Variable(), state);
    y2.backward(Tensor::full(s, 1.0f));
    // d/dγ Σ y = Σ x̂ = 0 per channel.
    for (float g : gamma.grad().values()) CHECK(std::abs(g) < 1e-4f);
}

TEST_CASE("batch_norm rejects bad arguments with clear errors", "[ops][bn]") {
    Tensor rm = Tensor::zeros({4}), rv = Tensor::full({4}, 1.0f);
    const ops::BatchNormState train{&rm, &rv, 0.1f, 1e-5f, true};
    const ops::BatchNormState eval{nullptr, nullptr, 0.1f, 1e-5f, false};
    Variable x(Tensor::zeros({2, 3, 3, 4}));
    Variable g4(Tensor::full({4}, 1.0f)), b4(Tensor::zeros({4}));
    CHECK_THROWS_WITH(ops::batch_norm(Variable(Tensor::zeros({2, 3, 4})), g4, b4, train),
                      Catch::Contains("must be [N, C] or NHWC"));
    CHECK_THROWS_WITH(ops::batch_norm(x, Variable(Tensor::zeros({3})), b4, train),
                      Catch::Contains("gamma [3] does not match the 4 channels"));
    CHECK_THROWS_WITH(ops::batch_norm(x, g4, b4, eval), Catch::Contains("evaluation mode needs running_mean"));
    CHECK_THROWS_WITH(ops::batch_norm(Variable(Tensor::zeros({1, 4})), g4, b4, train),
                      Catch::Contains("more than one value per channel"));
    Tensor rm3 = Tensor::zeros({3});
    const ops::BatchNormState bad_running{&rm3, &rv, 0.1f, 1e-5f, true};
    CHECK_THROWS_WITH(ops::batch_norm(x, g4, b4, bad_running), Catch::Contains("running_mean [3] does not match"));
}

TEST_CASE("batch_norm with the relu post-op equals relu(batch_norm) bit for bit in values, gradients and statistics",
          "[ops][bn]") {
    for (const bool training : {true, false})
        for (const bool graph : {true, false}) {
            INFO("training " << training << " graph " << graph);
            Rng rng(21);
            const Tensor x0 = random_tensor({4, 3, 5, 6}, rng, -2.0f, 2.0f);
            const Tensor g0 = random_tensor({6}, rng, 0.5f, 1.5f);
            const Tensor b0 = random_tensor({6}, rng, -0.3f, 0.3f);
            const Tensor seed = random_tensor({4, 3, 5, 6}, rng);
            struct Run {
                Tensor y, gx, ggamma, gbeta, mean, var;
            };
            auto run = [&](bool fused) {
                Variable x(x0.clone(), graph), gamma(g0.clone(), graph), beta(b0.clone(), graph);
                Tensor mean = Tensor::full({6}, 0.2f), var = Tensor::full({6}, 1.5f);
                const ops::BatchNormState state{
                    .running_mean = &mean, .running_var = &var, .momentum = 0.1f, .eps = 1e-5f, .training = training};
                Variable y = fused ? ops::batch_norm(x, gamma, beta, state, {.relu = true})
                                   : ops::relu(ops::batch_norm(x, gamma, beta, state));
                Run r{y.value().clone(), {}, {}, {}, mean, var};
                if (graph) {
                    y.backward(seed);
                    r.gx = x.grad(), r.ggamma = gamma.grad(), r.gbeta = beta.grad();
                }
                return r;
            };
            const Run fused = run(true), plain = run(false);
            int zeros = 0;
            for (const float v : plain.y.values()) zeros += v == 0.0f;
            CHECK(zeros > 20);  // the ReLU cuts a good part of the 360 values
            // Bit for bit, as every fusion the plan picks (tests/models/test_fusion.cpp).
            CHECK(max_rel_diff(fused.y, plain.y) == 0.0);
            CHECK(max_rel_diff(fused.mean, plain.mean) == 0.0);
            CHECK(max_rel_diff(fused.var, plain.var) == 0.0);
            if (graph) {
                CHECK(max_rel_diff(fused.gx, plain.gx) == 0.0);
                CHECK(max_rel_diff(fused.ggamma, plain.ggamma) == 0.0);
                CHECK(max_rel_diff(fused.gbeta, plain.gbeta) == 0.0);
            }
        }
}
