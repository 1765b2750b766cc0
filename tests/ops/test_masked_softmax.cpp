#include <cmath>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/ops/sequence_ops.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/ops/reference.hpp"
#include "tests/ops/thread_bits.hpp"
#include "tests/ops/warm_run.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

constexpr float kHidden = -1e9f;

struct SoftmaxRef {
    Tensor y, gx;
};

// y = softmax(s + mask) per row (the mask broadcast over heads, and over queries when its second dimension is 1)
// and, for the seed g, gx = y ⊙ (g − Σ_k y_k g_k), in double after the sum in float (as the op adds).
SoftmaxRef masked_softmax_reference(const Tensor& s, const Tensor& mask, const Tensor& g) {
    const std::int64_t b = s.dim(0), h = s.dim(1), lq = s.dim(2), lk = s.dim(3), mq = mask.dim(1);
    SoftmaxRef r{Tensor::empty(s.shape()), Tensor::empty(s.shape())};
    std::vector<double> z(static_cast<std::size_t>(lk));
    for (std::int64_t row = 0; row < b * h * lq; ++row) {
        const std::int64_t bi = row / (h * lq), q = row % lq;
        const float* m = mask.data() + (bi * mq + (mq == 1 ? 0 : q)) * lk;
        double top = -INFINITY, sum = 0.0, dot = 0.0;
        for (std::int64_t k = 0; k < lk; ++k) top = std::max(top, z[k] = s.at(row * lk + k) + m[k]);
        for (std::int64_t k = 0; k < lk; ++k) sum += (z[k] = std::exp(z[k] - top));
        for (std::int64_t k = 0; k < lk; ++k) dot += z[k] / sum * g.at(row * lk + k);
        for (std::int64_t k = 0; k < lk; ++k) {
            r.y.at(row * lk + k) = static_cast<float>(z[k] / sum);
            r.gx.at(row * lk + k) = static_cast<float>(z[k] / sum * (g.at(row * lk + k) - dot));
        }
    }
    return r;
}

// A causal mask [B, L, L] (query q sees keys up to q) or a padding mask [B, 1, L] (batch i sees its first
// L − i keys, at least one).
Tensor causal_mask(std::int64_t b, std::int64_t l) {
    Tensor m = Tensor::empty({b, l, l});
    for (std::int64_t i = 0; i < m.numel(); ++i) m.at(i) = i % l <= i / l % l ? 0.0f : kHidden;
    return m;
}
Tensor padding_mask(std::int64_t b, std::int64_t l) {
    Tensor m = Tensor::empty({b, 1, l});
    for (std::int64_t i = 0; i < m.numel(); ++i)
        m.at(i) = i % l < std::max<std::int64_t>(1, l - i / l) ? 0.0f : kHidden;
    return m;
}

// Scores [1, 2, 2, 3] and the seed gradient of the PyTorch cases.
const std::vector<float> kScores{0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.5f, -2.0f, 0.0f, 1.0f, 3.0f, 1.0f, -1.0f};
const std::vector<float> kSeed{1.0f, -2.0f, 0.5f, 0.25f, 1.0f, -1.0f, 2.0f, 0.0f, -0.5f, -1.0f, 0.5f, 1.5f};

void check_against(const Tensor& mask, const std::vector<double>& y, const std::vector<double>& gx) {
    Variable s(Tensor::from({1, 2, 2, 3}, kScores), true);
    Variable out = ops::masked_softmax(s, mask);
    out.backward(Tensor::from({1, 2, 2, 3}, kSeed));
    for (std::int64_t i = 0; i < 12; ++i) {
        INFO("element " << i);
        CHECK(out.value().at(i) == Approx(y[static_cast<std::size_t>(i)]).margin(1e-6));
        CHECK(s.grad().at(i) == Approx(gx[static_cast<std::size_t>(i)]).margin(1e-6));
    }
}

}  // namespace

TEST_CASE("masked_softmax against PyTorch", "[ops][masked_softmax]") {
    // /usr/bin/python3, torch float64: y = torch.softmax(s + m[:, None], -1); y.backward(g); y and s.grad, for
    // s = kScores and g = kSeed as [1, 2, 2, 3].
    // A mask per query [1, 2, 3]: query 0 does not see key 2, query 1 sees all.
    check_against(Tensor::from({1, 2, 3}, std::vector<float>{0, 0, kHidden, 0, 0, 0}),
                  {0.817574476, 0.182425524, 0, 0.703313976, 0.201502828, 0.095183196, 0.119202922, 0.880797078, 0,
                   0.866813332, 0.117310428, 0.015876240},
                  {0.447439356, -0.447439356, 0, -0.022610226, 0.144649183, -0.122038957, 0.209987171, -0.209987171, 0,
                   -0.186933705, 0.150666916, 0.036266790});
    // One mask [1, 1, 3] for every query: key 0 hidden.
    check_against(Tensor::from({1, 1, 3}, std::vector<float>{kHidden, 0, 0}),
                  {0, 0.047425873, 0.952574127, 0, 0.679178699, 0.320821301, 0, 0.268941421, 0.731058579, 0,
                   0.880797078, 0.119202922},
                  {0, -0.112941649, 0.112941649, 0, 0.435789988, -0.435789988, 0, 0.098305967, -0.098305967, 0,
                   -0.104993585, 0.104993585});
}

TEST_CASE("masked_softmax fully hidden row is uniform", "[ops][masked_softmax]") {
    // Every key of query 1 hidden: scores − 1e9 round to −1e9 alike (float's spacing there is 64), so the row is
    // uniform, 1/4 each, and its gradient y ⊙ (g − Σ y g) is finite.
    Rng rng(21);
    Variable s(random_tensor({2, 3, 2, 4}, rng, -4.0f, 4.0f), true);
    Tensor mask = Tensor::zeros({2, 2, 4});
    for (std::int64_t k = 0; k < 4; ++k) mask.at(4 + k) = kHidden;
    Variable y = ops::masked_softmax(s, mask);
    const Tensor g = random_tensor(y.shape(), rng);
    y.backward(g);
    const SoftmaxRef r = masked_softmax_reference(s.value(), mask, g);
    for (std::int64_t row = 0; row < 2 * 3 * 2; ++row) {
        const bool hidden = row / 6 == 0 && row % 2 == 1;  // rows are (batch, head, query)
        for (std::int64_t k = 0; k < 4; ++k) {
            INFO("row " << row << " key " << k);
            if (hidden) CHECK(y.value().at(row * 4 + k) == Approx(0.25).margin(1e-7));
            CHECK(std::isfinite(s.grad().at(row * 4 + k)));
        }
    }
    CHECK(max_rel_diff(y.value(), r.y) < 1e-6);
    CHECK(max_rel_diff(s.grad(), r.gx) < 1e-6);
}

TEST_CASE("masked_softmax matches loops at attention shapes", "[ops][masked_softmax]") {
    Rng rng(22);
    for (const bool causal : {true, false}) {
        for (const auto& [b, h, l] : {std::tuple{128, 4, 16}, std::tuple{16, 4, 32}, std::tuple{3, 2, 5}}) {
            INFO("B " << b << " H " << h << " L " << l << " causal " << causal);
            const Tensor mask = causal ? causal_mask(b, l) : padding_mask(b, l);
            Variable s(random_tensor({b, h, l, l}, rng, -3.0f, 3.0f), true);
            Variable y = ops::masked_softmax(s, mask);
            const Tensor g = random_tensor(y.shape(), rng);
            y.backward(g);
            const SoftmaxRef r = masked_softmax_reference(s.value(), mask, g);
            CHECK(max_rel_diff(y.value(), r.y) < 1e-6);
            CHECK(max_rel_diff(s.grad(), r.gx) < 1e-6);
        }
    }
}

TEST_CASE("masked_softmax gradient by finite differences", "[ops][masked_softmax]") {
    // Hidden keys, but no fully hidden row: there the float op is constant in the scores (see above), while its
    // analytic gradient is the uniform softmax's.
    Rng rng(23);
    for (const Tensor& mask : {causal_mask(2, 4), padding_mask(2, 4)}) {
        INFO("mask " << mask.shape().str());
        const OpFn f = [mask](const std::vector<Variable>& v) { return ops::masked_softmax(v[0], mask); };
        const GradcheckResult r = gradcheck(f, {Variable(random_tensor({2, 3, 4, 4}, rng), true)});
        CHECK(r.checked == 96);
        CHECK(r.max_rel_error < 1e-3);
    }
}

TEST_CASE("masked_softmax rejects bad masks", "[ops][masked_softmax]") {
    const Variable s(Tensor::zeros({2, 3, 4, 5}));
    CHECK_THROWS_WITH(ops::masked_softmax(s, Tensor::zeros({2, 3, 5})),
                      Catch::Contains("mask [2, 3, 5] does not fit scores [2, 3, 4, 5]: expected [2, 1 or 4, 5]"));
    CHECK_THROWS_WITH(ops::masked_softmax(s, Tensor::zeros({1, 4, 5})), Catch::Contains("mask [1, 4, 5]"));
    CHECK_THROWS_WITH(ops::masked_softmax(s, Tensor::zeros({2, 4, 4})), Catch::Contains("mask [2, 4, 4]"));
    CHECK_THROWS_WITH(ops::masked_softmax(s, Tensor::zeros({2, 1, 4, 5})), Catch::Contains("does not fit"));
    CHECK_THROWS_WITH(ops::masked_softmax(Variable(Tensor::zeros({6, 4, 5})), Tensor::zeros({6, 1, 5})),
                      Catch::Contains("expected scores [B, H, Lq, Lk] with no empty dimension, got [6, 4, 5]"));
    CHECK_THROWS_WITH(ops::masked_softmax(Variable(Tensor::zeros({1, 2, 3, 0})), Tensor::zeros({1, 1, 0})),
                      Catch::Contains("got [1, 2, 3, 0]"));
    Tensor inf = Tensor::zeros({2, 1, 5});
    inf.at(7) = -INFINITY;
    CHECK_THROWS_WITH(ops::masked_softmax(s, inf), Catch::Contains("mask [2, 1, 5] entry [1, 0, 2] is -inf"));
    CHECK_NOTHROW(ops::masked_softmax(s, Tensor::zeros({2, 4, 5})));
    CHECK_NOTHROW(ops::masked_softmax(s, Tensor::zeros({2, 1, 5})));
}

TEST_CASE("masked_softmax warm run creates nothing", "[ops][masked_softmax][cache]") {
    Rng rng(24);
    Variable s(random_tensor({32, 4, 16, 16}, rng), true);
    const Tensor mask = causal_mask(32, 16), g = random_tensor(s.shape(), rng);
    check_warm_run_creates_nothing([&] {
        s.grad() = Tensor();
        ops::masked_softmax(s, mask).backward(g);
    });
}

TEST_CASE("masked_softmax same bits at 1 and 2 threads", "[ops][masked_softmax]") {
    for (const bool causal : {true, false}) {
        INFO("causal " << causal);
        check_same_bits_at_1_and_2_threads([causal] {
            Rng rng(25);
            Variable s(random_tensor({63, 4, 24, 24}, rng, -3.0f, 3.0f), true);
            Variable y = ops::masked_softmax(s, causal ? causal_mask(63, 24) : padding_mask(63, 24));
            y.backward(random_tensor(y.shape(), rng));
            return std::vector<Tensor>{y.value(), s.grad()};
        });
    }
}
