#include <catch2/catch.hpp>

#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using namespace lskd::nn;
using lskd::testing::random_tensor;

TEST_CASE("Sequential chains its modules in order", "[layers][sequential]") {
    Rng rng(41);
    Sequential seq;
    auto fc1 = seq.append(std::make_shared<Linear>(rng, 3, 5));
    seq.append(std::make_shared<ReLU>());
    auto fc2 = seq.append("out", std::make_shared<Linear>(rng, 5, 2));
    CHECK(seq.size() == 3);
    CHECK(&seq[0] == fc1.get());
    CHECK(seq.named_children()[2].first == "out");

    Variable x(Tensor::from({2, 3}, std::vector<float>{1, -2, 3, 0.5f, 0.25f, -1}));
    const Variable y = seq.forward(x);
    const Variable expected = fc2->forward(ops::relu(fc1->forward(x)));
    CHECK(std::equal(y.value().values().begin(), y.value().values().end(), expected.value().values().begin()));
    CHECK(Sequential().forward(x).value().data() == x.value().data());
}

TEST_CASE("Flatten turns NHWC maps into [N, H·W·C] in memory order", "[layers][sequential]") {
    Flatten flatten;
    Variable x(Tensor::from({2, 1, 2, 3}, std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
    const Variable y = flatten(x);
    CHECK(y.shape() == Shape{2, 6});
    CHECK(y.value().data() == x.value().data());
}

TEST_CASE("ReLU clamps negatives", "[layers][sequential]") {
    ReLU relu;
    const Variable y = relu(Variable(Tensor::from({3}, std::vector<float>{-1, 0, 2})));
    CHECK(y.value().at(0) == 0.0f);
    CHECK(y.value().at(2) == 2.0f);
}

TEST_CASE("Sequential fuses a layer's following ReLU into it, with the unfused numbers", "[layers][sequential]") {
    Rng rng(43);
    Sequential seq;
    auto conv = seq.append(std::make_shared<Conv2d>(rng, 2, 4, 3, 1, 1));
    seq.append(std::make_shared<ReLU>());
    seq.append(std::make_shared<ReLU>());  // a ReLU after a ReLU runs on its own
    seq.append(std::make_shared<Flatten>());
    auto fc = seq.append(std::make_shared<Linear>(rng, 4 * 4 * 4, 6));
    seq.append(std::make_shared<ReLU>());
    auto bn = seq.append(std::make_shared<BatchNorm2d>(6));
    seq.append(std::make_shared<ReLU>());
    Variable x(random_tensor({3, 4, 4, 2}, rng), true);
    Variable y = seq.forward(x);
    y.backward(Tensor::full(y.shape(), 0.5f));
    const Tensor fused_grad = x.grad().clone();
    const Tensor fused_fc_grad = fc->weight().grad().clone();

    seq.zero_grad();
    x.grad() = Tensor();
    const Variable conv_out = ops::relu(ops::relu(conv->forward(x)));
    const Variable fc_out = ops::relu(fc->forward(ops::reshape(conv_out, {3, 64})));
    Variable expected = ops::relu(bn->forward(fc_out));
    expected.backward(Tensor::full(y.shape(), 0.5f));
    // Tolerance 0: the fused primitives apply max(0, ·) to the same floats (see tests/ops/test_fused_relu.cpp). The
    // running statistics moved between the two passes, but training-mode batch norm does not read them.
    CHECK(std::equal(y.value().values().begin(), y.value().values().end(), expected.value().values().begin()));
    CHECK(std::equal(fused_grad.values().begin(), fused_grad.values().end(), x.grad().values().begin()));
    CHECK(
        std::equal(fused_fc_grad.values().begin(), fused_fc_grad.values().end(), fc->weight().grad().values().begin()));
}

TEST_CASE("Sequential runs layer, ReLU, max-pool as layer, then max-pool with the ReLU fused", "[layers][sequential]") {
    Rng rng(44);
    Sequential seq;
    auto conv = seq.append(std::make_shared<Conv2d>(rng, 3, 8, 3, 1, 1));
    seq.append(std::make_shared<ReLU>());
    seq.append(std::make_shared<MaxPool2d>(2, 2));
    Variable x(random_tensor({2, 6, 6, 3}, rng), true);
    Variable y = seq.forward(x);
    y.backward(Tensor::full(y.shape(), 0.25f));
    const Tensor fused_grad = x.grad().clone();
    const Tensor fused_conv_grad = conv->weight().grad().clone();

    seq.zero_grad();
    x.grad() = Tensor();
    Variable expected = ops::max_pool2d(ops::relu(conv->forward(x)), {.kernel = 2, .stride = 2});
    expected.backward(Tensor::full(y.shape(), 0.25f));
    // Tolerance 0 (see tests/ops/test_fused_relu.cpp: pooling and ReLU commute exactly).
    CHECK(std::equal(y.value().values().begin(), y.value().values().end(), expected.value().values().begin()));
    CHECK(std::equal(fused_grad.values().begin(), fused_grad.values().end(), x.grad().values().begin()));
    CHECK(std::equal(fused_conv_grad.values().begin(), fused_conv_grad.values().end(),
                     conv->weight().grad().values().begin()));
}
