// token_cross_entropy against PyTorch's label-smoothed F.cross_entropy (the same loss when q puts 1 − α + α/V on
// the gold token and α/V elsewhere), padding rows weighted 0, and the errors of bad weights.
#include <iomanip>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/ops.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "framework/runtime/threads.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

const std::vector<float> kLogits = {1, 2, 3, 0.5f, 0, 0, 0, 0, -1, 0.5f, 2, 1};
const std::vector<float> kWeights = {1, 0, 1};  // row 1 is padding

// α = 0.1 over V = 4 with gold tokens 2, 1, 0.
Tensor smoothed_targets() {
    const std::vector<int> gold = {2, 1, 0};
    Tensor q = Tensor::full({3, 4}, 0.1f / 4.0f);
    for (std::int64_t i = 0; i < 3; ++i) q.at(i * 4 + gold[static_cast<std::size_t>(i)]) += 0.9f;
    return q;
}

void check(float temperature, double loss, const std::vector<double>& grad) {
    Variable z(Tensor::from({3, 4}, kLogits), true);
    Variable l = ops::token_cross_entropy(z, smoothed_targets(), kWeights, temperature);
    REQUIRE(l.shape() == Shape{1});
    INFO(std::setprecision(10) << "T " << temperature << " loss " << l.value().at(0));
    CHECK(l.value().at(0) == Approx(loss).epsilon(1e-5));
    l.backward();
    for (std::int64_t i = 0; i < 12; ++i) {
        INFO(std::setprecision(10) << "gradient " << i << " " << z.grad().at(i));
        CHECK(z.grad().at(i) == Approx(grad[static_cast<std::size_t>(i)]).margin(2e-6));
    }
    for (std::int64_t j = 4; j < 8; ++j) CHECK(z.grad().at(j) == 0.0f);  // padding gets no gradient at all
}

}  // namespace

TEST_CASE("token cross-entropy matches PyTorch at T 1", "[ops][loss]") {
    // /usr/bin/python3 with torch, float64: z = the logits above, per = F.cross_entropy(z / T, [2, 1, 0],
    // reduction='none', label_smoothing=0.1); L = (per · w).sum() / w.sum() with w = [1, 0, 1]; L.backward().
    check(1.0f, 1.965477694,
          {0.030184447, 0.103528356, -0.147102228, 0.013389426, 0, 0, 0, 0, -0.447328386, 0.055494458, 0.292230019,
           0.099603909});
}

TEST_CASE("token cross-entropy matches PyTorch at T 2", "[ops][loss]") {
    // As above with T = 2.
    check(2.0f, 1.568529877,
          {0.034428161, 0.060816949, -0.120675294, 0.025430184, 0, 0, 0, 0, -0.207018081, 0.045048972, 0.102349925,
           0.059619184});
}

TEST_CASE("token cross-entropy with unit weights is the soft-target loss", "[ops][loss]") {
    Rng rng(9);
    const Tensor z = random_tensor({5, 7}, rng, -3.0f, 3.0f);
    Tensor q = random_tensor({5, 7}, rng, 0.0f, 1.0f);
    const std::vector<float> ones(5, 1.0f);
    Variable a(z, true), b(z.clone(), true);
    Variable la = ops::token_cross_entropy(a, q, ones, 1.5f);
    Variable lb = ops::soft_target_cross_entropy(b, q, 1.5f);
    CHECK(la.value().at(0) == Approx(lb.value().at(0)).epsilon(1e-6));
    la.backward();
    lb.backward();
    for (std::int64_t i = 0; i < 35; ++i) CHECK(a.grad().at(i) == Approx(b.grad().at(i)).margin(1e-7));
}

TEST_CASE("token cross-entropy is the same bits at 1 and 2 threads", "[ops][loss]") {
    // 300 tokens span every part of the loss's fixed split of rows; every seventh is padding.
    Rng rng(11);
    const Tensor z = random_tensor({300, 50}, rng, -4.0f, 4.0f);
    const Tensor q = random_tensor({300, 50}, rng, 0.0f, 0.05f);
    std::vector<float> w(300, 1.0f);
    for (std::size_t i = 0; i < w.size(); i += 7) w[i] = 0.0f;
    const int threads_before = runtime::thread_info().threads;
    std::vector<float> losses;
    std::vector<std::vector<float>> grads;
    for (const int threads : {1, 2}) {
        runtime::init_threads(threads);
        Variable logits(z, true);
        Variable l = ops::token_cross_entropy(logits, q, w, 1.3f);
        l.backward();
        losses.push_back(l.value().at(0));
        grads.emplace_back(logits.grad().values().begin(), logits.grad().values().end());
    }
    runtime::init_threads(threads_before);
    CHECK(losses[0] == losses[1]);
    CHECK(grads[0] == grads[1]);
}

TEST_CASE("token cross-entropy gradcheck", "[ops][loss]") {
    Rng rng(10);
    const Tensor q = random_tensor({4, 6}, rng, 0.0f, 1.0f);
    const std::vector<float> w = {1, 0, 2, 0.5f};
    const auto r = gradcheck([&](const std::vector<Variable>& v) { return ops::token_cross_entropy(v[0], q, w, 1.7f); },
                             {Variable(random_tensor({4, 6}, rng), true)});
    CHECK(r.checked == 24);
    CHECK(r.max_rel_error < 1e-2);
}

TEST_CASE("token cross-entropy rejects bad weights", "[ops][loss]") {
    const Variable z(Tensor::from({3, 4}, kLogits), true);
    const Tensor q = smoothed_targets();
    const std::vector<float> zeros(3, 0.0f), negative = {1, -1, 1}, short_list = {1, 1};
    CHECK_THROWS_WITH(ops::token_cross_entropy(z, q, zeros), Catch::Contains("padding alone"));
    CHECK_THROWS_WITH(ops::token_cross_entropy(z, q, negative), Catch::Contains("weight -1 of token 1"));
    CHECK_THROWS_WITH(ops::token_cross_entropy(z, q, short_list), Catch::Contains("2 token weights for 3 tokens"));
    CHECK_THROWS_WITH(ops::token_cross_entropy(z, q, kWeights, 0.0f), Catch::Contains("temperature must be > 0"));
    CHECK_THROWS_AS(ops::token_cross_entropy(z, Tensor::zeros({4, 3}), kWeights), Error);
}
