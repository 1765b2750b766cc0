// The fused inference pass (eval mode under NoGradGuard) against the differentiable ops (eval mode with grad mode
// on): same logits and penultimate activations within float tolerance, also after parameters and batch-norm
// statistics change (the folded weights must follow), and a steady state that creates no primitive and draws no
// new buffer.
#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/random.hpp"
#include "framework/dnnl/primitive_cache.hpp"
#include "framework/ops/fused_inference.hpp"
#include "framework/ops/precision.hpp"
#include "framework/runtime/threads.hpp"
#include "framework/tensor/buffer_pool.hpp"
#include "models/model_registry.hpp"

using namespace lskd;

namespace {

// Tolerance of a fused output against the unfused one, relative to 1 + |value|: folding moves the batch-norm scale
// into the weights and the sum and ReLU into the convolution, which reorders float roundings (measured: resnet-20
// 7.7e-7; mlp, lenet and alexnet, without batch norm, bitwise equal).
constexpr float kTolerance = 1e-5f;

models::InputShape shape_of(const std::string& name) {
    return name.starts_with("resnet") || name.starts_with("alexnet") ? models::InputShape{32, 32, 3}
                                                                     : models::InputShape{28, 28, 1};
}

Tensor random_images(std::int64_t n, const models::InputShape& s, std::uint64_t seed) {
    Rng rng(seed);
    Tensor t = Tensor::empty({n, s.height, s.width, s.channels});
    for (auto& v : t.values()) v = rng.normal();
    return t;
}

// Batch-norm parameters and statistics far from their identity start (γ = 1, β = 0, mean 0, var 1), so that a
// wrong fold cannot pass; and, with `weights`, every other parameter moved too (an optimizer step's effect).
void perturb(models::Classifier& model, std::uint64_t seed, bool weights) {
    Rng rng(seed);
    for (auto& p : model.named_parameters()) {
        if (p.kind != nn::ParamKind::norm && !weights) continue;
        const bool gamma = p.name.ends_with("weight") && p.kind == nn::ParamKind::norm;
        for (float& v : p.var.value().values_in_place())
            v = gamma                           ? rng.uniform(0.5f, 1.5f)
                : p.kind == nn::ParamKind::norm ? rng.uniform(-0.5f, 0.5f)
                                                : v * rng.uniform(0.8f, 1.2f);
    }
    for (auto& b : model.named_buffers()) {
        const bool var = b.name.ends_with("running_var");
        for (float& v : b.tensor.values_in_place()) v = var ? rng.uniform(0.5f, 2.0f) : rng.uniform(-0.5f, 0.5f);
    }
}

// A model of the registry with batch norm moved off its identity start, in eval mode.
std::shared_ptr<models::Classifier> perturbed_eval_model(const std::string& name) {
    auto model = models::make_model(name, shape_of(name), 10, 3);
    perturb(*model, 5, false);
    model->eval();
    return model;
}

float max_scaled_difference(const Tensor& a, const Tensor& b) {
    REQUIRE(a.shape() == b.shape());
    float worst = 0.0f;
    for (std::int64_t i = 0; i < a.numel(); ++i)
        worst = std::max(worst, std::abs(a.at(i) - b.at(i)) / (1.0f + std::abs(b.at(i))));
    return worst;
}

models::ClassifierOutput fused(models::Classifier& model, const Tensor& x) {
    NoGradGuard no_grad;
    return model.forward_with_features(Variable(x));
}

// Grad mode stays on, so every op records its node: the differentiable, unfused path.
models::ClassifierOutput unfused(models::Classifier& model, const Tensor& x) {
    return model.forward_with_features(Variable(x));
}

}  // namespace

TEST_CASE("fused inference computes the unfused eval-mode logits, before and after a parameter update",
          "[models][inference]") {
    for (const std::string name : {"mlp-1200", "lenet", "resnet-20", "alexnet-cifar", "resnet-18"}) {
        DYNAMIC_SECTION(name) {
            auto model = perturbed_eval_model(name);
            const Tensor x = random_images(6, shape_of(name), 7);

            models::ClassifierOutput a = fused(*model, x), b = unfused(*model, x);
            CHECK_FALSE(a.logits.requires_grad());
            CHECK(b.logits.requires_grad());  // the reference really is the unfused path
            CHECK(max_scaled_difference(a.logits.value(), b.logits.value()) < kTolerance);
            CHECK(max_scaled_difference(a.penultimate.value(), b.penultimate.value()) < kTolerance);

            // An optimizer step and new running statistics: the folded weights must be recomputed.
            const Tensor before = a.logits.value().clone();
            perturb(*model, 9, true);
            a = fused(*model, x);
            b = unfused(*model, x);
            CHECK(max_scaled_difference(a.logits.value(), b.logits.value()) < kTolerance);
            CHECK(max_scaled_difference(a.logits.value(), before) > 1e-3f);  // the update did change the logits
        }
    }
}

TEST_CASE("the fused pass leaves the caller's input untouched", "[models][inference]") {
    // resnet's identity blocks add into their input in place: only into buffers the pass itself owns.
    auto model = models::make_model("resnet-20", {32, 32, 3}, 10, 3);
    model->eval();
    const Tensor x = random_images(2, {32, 32, 3}, 7);
    const Tensor copy = x.clone();
    fused(*model, x);
    CHECK(max_scaled_difference(x, copy) == 0.0f);
}

TEST_CASE("steady-state inference creates no primitive and draws no new buffer", "[models][inference][steady]") {
    for (const std::string name : {"mlp-1200", "lenet", "resnet-20", "resnet-50"}) {
        DYNAMIC_SECTION(name) {
            const models::InputShape shape = shape_of(name);
            auto model = models::make_model(name, shape, 10, 3);
            model->eval();
            const Tensor x = random_images(4, shape, 7);
            // Warm-up: two passes, since `last` holds one pass's logits while the next pass makes its own.
            const Tensor first = fused(*model, x).logits.value().clone();
            Tensor last = fused(*model, x).logits.value();
            last = fused(*model, x).logits.value();
            const auto misses = dnnl_ctx::cache_stats().misses;
            const auto pool = pool_stats();
            for (int i = 0; i < 20; ++i) last = fused(*model, x).logits.value();
            CHECK(dnnl_ctx::cache_stats().misses == misses);
            CHECK(pool_stats().fresh_allocations == pool.fresh_allocations);
            CHECK(pool_stats().live_buffers == pool.live_buffers);
            CHECK(max_scaled_difference(last, first) == 0.0f);
        }
    }
}

TEST_CASE("a logit does not depend on the batch its example is evaluated in", "[models][inference]") {
    // Evaluation picks its own batch (distill::kEvalBatch), so the batch must not change results: each example's
    // logits from one pass over 300 examples against passes over chunks of 128 and of 7, at 1 and 2 threads.
    const int threads_before = runtime::thread_info().threads;
    for (const std::string name : {"mlp-1200", "lenet", "resnet-20"}) {
        for (const int threads : {1, 2}) {
            DYNAMIC_SECTION(name << " at " << threads << " threads") {
                runtime::init_threads(threads);
                const models::InputShape shape = shape_of(name);
                auto model = models::make_model(name, shape, 10, 3);
                perturb(*model, 5, false);
                model->eval();
                const Tensor x = random_images(300, shape, 7);
                const Tensor whole = fused(*model, x).logits.value().clone();
                const std::int64_t per_image = x.numel() / 300, classes = whole.dim(1);
                float worst = 0.0f;
                for (const std::int64_t chunk : {128, 7}) {
                    for (std::int64_t first = 0; first < 300; first += chunk) {
                        const std::int64_t n = std::min<std::int64_t>(chunk, 300 - first);
                        Tensor part = Tensor::empty({n, shape.height, shape.width, shape.channels});
                        std::copy_n(x.data() + first * per_image, n * per_image, part.data());
                        const Tensor logits = fused(*model, part).logits.value();
                        for (std::int64_t i = 0; i < n * classes; ++i)
                            worst = std::max(worst, std::abs(logits.at(i) - whole.at(first * classes + i)) /
                                                        (1.0f + std::abs(whole.at(first * classes + i))));
                    }
                }
                INFO("largest scaled difference " << worst);
                CHECK(worst <= 1e-5f);
            }
        }
    }
    runtime::init_threads(threads_before);
}

TEST_CASE("the fused pass skips dropout, the identity in eval mode", "[models][inference]") {
    auto model = models::make_model("mlp", {28, 28, 1}, 10, 3, {{32, 16}, 0.5});
    model->eval();
    const Tensor x = random_images(5, {28, 28, 1}, 7);
    CHECK(max_scaled_difference(fused(*model, x).logits.value(), unfused(*model, x).logits.value()) < kTolerance);
}

TEST_CASE("in bf16 the fused pass keeps activations bf16 between primitives, with the unfused pass's values",
          "[models][inference][bf16]") {
    if (!ops::bf16_available()) {
        WARN("SKIPPED: oneDNN has no bf16 implementation on this CPU (it needs AVX-512); bf16 inference is untested");
        return;
    }
    const ops::PrecisionGuard bf16(ops::Precision::bf16);
    // The input conversions per pass: the head's (one inner product, run as an op) and the body's: mlp-1200 its first
    // layer's only, of 2 inner products; lenet and alexnet-cifar each convolution's (a max pool follows it) and the
    // first inner product's, of 3 and 4 primitives; resnet-20 its stem's, each block's first convolution's and the
    // two projection shortcuts', of 21 convolutions.
    const std::vector<std::pair<std::string, std::uint64_t>> cases{
        {"mlp-1200", 1 + 1}, {"lenet", 1 + 3}, {"alexnet-cifar", 1 + 3}, {"resnet-20", 1 + 12}};
    for (const auto& [name, conversions] : cases) {
        DYNAMIC_SECTION(name) {
            auto model = perturbed_eval_model(name);
            const Tensor x = random_images(6, shape_of(name), 7);
            const std::uint64_t before = ops::bf16_input_conversions();
            const models::ClassifierOutput a = fused(*model, x);
            CHECK(ops::bf16_input_conversions() - before == conversions);
            const models::ClassifierOutput b = unfused(*model, x);
            // A bf16 output is the f32 one rounded to nearest even, as the next op's conversion rounds it: without
            // batch norm the two passes agree to the bit. Folding batch norm into weights that are then rounded to
            // bf16 moves each product by up to 2·2^-8 of itself, in each of resnet-20's 20 layers; the bound is a few
            // times what the folded pass differs by (docs/speed.md, "bf16 mixed precision").
            const float tolerance = name.starts_with("resnet") ? 0.05f : 0.0f;
            CHECK(max_scaled_difference(a.logits.value(), b.logits.value()) <= tolerance);
            CHECK(max_scaled_difference(a.penultimate.value(), b.penultimate.value()) <= tolerance);
        }
    }
}
