#include <cmath>

#include <catch2/catch.hpp>

#include "framework/layers/batch_norm.hpp"

using namespace lskd;
using namespace lskd::nn;

TEST_CASE("BatchNorm2d starts as the identity transform with unit running variance", "[layers][batch_norm]") {
    BatchNorm2d bn(3);
    for (float v : bn.weight().value().values()) CHECK(v == 1.0f);
    for (float v : bn.bias().value().values()) CHECK(v == 0.0f);
    for (float v : bn.running_mean().values()) CHECK(v == 0.0f);
    for (float v : bn.running_var().values()) CHECK(v == 1.0f);
    CHECK(bn.named_parameters()[0].kind == ParamKind::norm);
    CHECK(bn.named_parameters()[1].kind == ParamKind::norm);
}

TEST_CASE("BatchNorm2d updates running statistics in training and uses them in eval", "[layers][batch_norm]") {
    BatchNorm2d bn(2, 1e-5f, 0.1f);
    // NHWC [2, 1, 2, 2]: channel 0 takes 1, 3, 5, 7 (mean 4, unbiased variance 20/3), channel 1 takes
    // 2, 2, 2, 6 (mean 3, unbiased variance 12/3 = 4).
    Variable x(Tensor::from({2, 1, 2, 2}, std::vector<float>{1, 2, 3, 2, 5, 2, 7, 6}));
    const Variable y = bn.forward(x);
    // Training output uses the biased batch variance: channel 0 has variance 5, so x=1 ↦ −3/√5.
    CHECK(y.value().at(0) == Approx(-3.0 / std::sqrt(5.0 + 1e-5)).margin(1e-5));
    // running = 0.9·running + 0.1·batch
    CHECK(bn.running_mean().at(0) == Approx(0.4f));
    CHECK(bn.running_mean().at(1) == Approx(0.3f));
    CHECK(bn.running_var().at(0) == Approx(0.9 + 0.1 * 20.0 / 3.0));
    CHECK(bn.running_var().at(1) == Approx(0.9 + 0.1 * 4.0));
    // The module's buffers are the storage the op updated.
    CHECK(bn.named_buffers()[0].tensor.at(0) == bn.running_mean().at(0));

    bn.eval();
    bn.weight().value().values_in_place()[1] = 2.0f;
    bn.bias().value().values_in_place()[1] = 0.5f;
    const float mean_before = bn.running_mean().at(0);
    const Variable z = bn.forward(x);
    CHECK(bn.running_mean().at(0) == mean_before);
    // channel 1, x = 6: 2·(6 − 0.3)/√(1.3 + eps) + 0.5
    CHECK(z.value().at(7) == Approx(2.0 * (6.0 - 0.3) / std::sqrt(1.3 + 1e-5) + 0.5).margin(1e-4));
}

TEST_CASE("BatchNorm2d also normalises [N, C]", "[layers][batch_norm]") {
    BatchNorm2d bn(2);
    Variable x(Tensor::from({2, 2}, std::vector<float>{0, 10, 2, 20}));
    const Variable y = bn(x);
    CHECK(y.value().at(0) == Approx(-1.0).margin(1e-4));
    CHECK(y.value().at(3) == Approx(1.0).margin(1e-4));
    CHECK(bn.running_mean().at(1) == Approx(1.5f));
}
