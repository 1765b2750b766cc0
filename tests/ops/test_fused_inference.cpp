// The fused inference kernels on values worked out by hand: batch norm folded into a convolution, the residual sum
// and ReLU post-ops, the ReLU of the inner product; and the folded weights following every change of their sources.
#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/core/random.hpp"
#include "framework/layers/inference.hpp"
#include "framework/ops/fused_inference.hpp"
#include "framework/ops/weight_reorders.hpp"

using namespace lskd;

namespace {

// Writes through a handle that shares the parameter's or buffer's storage (bumping its version, as an optimizer).
void set(Tensor t, std::initializer_list<float> values) {
    auto out = t.values_in_place();
    std::copy(values.begin(), values.end(), out.begin());
}
void set(const Variable& v, std::initializer_list<float> values) { set(v.value(), values); }

// A 1x1 convolution of one channel, w = 2, b = 1, then batch norm with γ = 3, β = 0.5, mean 1, var 3 and eps 1:
// s = 3 / √(3 + 1) = 1.5, so w' = 3 and b' = (1 − 1)·1.5 + 0.5 = 0.5.
struct OneChannel {
    Rng rng{1};
    nn::Conv2d conv{rng, 1, 1, 1};
    nn::BatchNorm2d bn{1, 1.0f};
    Tensor x = Tensor::from({1, 1, 2, 1}, std::vector<float>{2.0f, -2.0f});

    OneChannel() {
        set(conv.weight(), {2.0f});
        set(conv.bias(), {1.0f});
        set(bn.weight(), {3.0f});
        set(bn.bias(), {0.5f});
        set(bn.running_mean(), {1.0f});
        set(bn.running_var(), {3.0f});
        bn.eval();
    }
};

}  // namespace

TEST_CASE("batch norm folds into the convolution before the ReLU", "[ops][inference]") {
    OneChannel m;
    nn::FoldedConv plain(m.conv, nullptr, {});
    Tensor y = plain.run(m.x);
    CHECK(y.at(0) == Approx(5.0f));  // 2·2 + 1
    CHECK(y.at(1) == Approx(-3.0f));
    nn::FoldedConv folded(m.conv, &m.bn, {.relu = true});
    y = folded.run(m.x);
    CHECK(y.at(0) == Approx(6.5f));  // 3·2 + 0.5
    CHECK(y.at(1) == 0.0f);          // relu(−5.5)
}

TEST_CASE("the sum post-op adds the residual before the ReLU, in place", "[ops][inference]") {
    OneChannel m;
    nn::FoldedConv folded(m.conv, &m.bn, {.sum = true, .relu = true});
    Tensor dst = Tensor::from({1, 1, 2, 1}, std::vector<float>{1.0f, 10.0f});
    folded.run_into(m.x, dst);
    CHECK(dst.at(0) == Approx(7.5f));  // 6.5 + 1
    CHECK(dst.at(1) == Approx(4.5f));  // relu(−5.5 + 10)
    Tensor wrong = Tensor::zeros({1, 1, 3, 1});
    CHECK_THROWS_WITH(folded.run_into(m.x, wrong), Catch::Contains("residual"));
}

TEST_CASE("folded weights are recomputed exactly when a source changes", "[ops][inference]") {
    OneChannel m;
    nn::FoldedConv folded(m.conv, &m.bn, {});
    CHECK(folded.run(m.x).at(0) == Approx(6.5f));
    folded.run(m.x);
    CHECK(folded.folds() == 1);
    set(m.bn.running_var(), {8.0f});  // s = 3/3 = 1: w' = 2, b' = 0.5
    CHECK(folded.run(m.x).at(0) == Approx(4.5f));
    CHECK(folded.folds() == 2);
    set(m.conv.weight(), {1.0f});  // w' = 1
    CHECK(folded.run(m.x).at(0) == Approx(2.5f));
    set(m.bn.bias(), {-0.5f});  // b' = −0.5
    CHECK(folded.run(m.x).at(0) == Approx(1.5f));
    CHECK(folded.folds() == 4);

    // A layer whose primitive wants blocked weights: one reorder per fold, none per run.
    Rng rng(2);
    nn::Conv2d conv(rng, 16, 16, 3, 1, 1);
    nn::BatchNorm2d bn(16);
    bn.eval();
    nn::FoldedConv big(conv, &bn, {.relu = true});
    const Tensor x = Tensor::full({2, 8, 8, 16}, 0.5f);
    const auto reorders_before = ops::weight_reorder_count();
    for (int i = 0; i < 3; ++i) big.run(x);
    // jit convolutions want blocked weights at 16 channels on every x86 ISA
    CHECK(ops::weight_reorder_count() - reorders_before == 1);
    CHECK(big.folds() == 1);
    for (int i = 0; i < 3; ++i) big.run(x);
    CHECK(ops::weight_reorder_count() - reorders_before == 1);
    Tensor(bn.running_mean()).values_in_place()[0] = 0.25f;
    big.run(x);
    CHECK(big.folds() == 2);
    CHECK(ops::weight_reorder_count() - reorders_before == 2);
}

TEST_CASE("linear inference applies the bias, then the ReLU post-op", "[ops][inference]") {
    const Tensor w = Tensor::from({2, 2}, std::vector<float>{1.0f, -1.0f, 2.0f, 0.0f});
    const Tensor b = Tensor::from({2}, std::vector<float>{0.5f, -3.0f});
    const Tensor x = Tensor::from({2, 2}, std::vector<float>{3.0f, 1.0f, 1.0f, 3.0f});
    const Tensor plain = ops::linear_inference(x, w, b, {});
    CHECK(plain.at(0) == Approx(2.5f));  // 3 − 1 + 0.5
    CHECK(plain.at(1) == Approx(3.0f));  // 6 − 3
    CHECK(plain.at(2) == Approx(-1.5f));
    CHECK(plain.at(3) == Approx(-1.0f));
    const Tensor relu = ops::linear_inference(x, w, b, {.relu = true});
    CHECK(relu.at(0) == Approx(2.5f));
    CHECK(relu.at(2) == 0.0f);
    CHECK(relu.at(3) == 0.0f);
    CHECK_THROWS_WITH(ops::linear_inference(Tensor::zeros({2, 3}), w, b, {.relu = true}),
                      Catch::Contains("does not match"));
}
