#include <catch2/catch.hpp>

#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"

using namespace lskd;
using namespace lskd::nn;

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
