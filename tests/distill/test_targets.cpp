#include <catch2/catch.hpp>

#include "distill/targets.hpp"

using namespace lskd;

TEST_CASE("label-smoothed targets put 1-a+a/K on the label and a/K elsewhere", "[distill][targets]") {
    Tensor out = Tensor::empty({2, 4});
    const std::vector<std::int32_t> labels = {2, 0};
    distill::smoothed_targets(labels, 0.2, out);
    // α = 0.2, K = 4: 0.2/4 = 0.05 off the label, 1 − 0.2 + 0.05 = 0.85 on it.
    const std::vector<float> expected = {0.05f, 0.05f, 0.85f, 0.05f, 0.85f, 0.05f, 0.05f, 0.05f};
    for (int i = 0; i < 8; ++i) CHECK(out.at(i) == Approx(expected[static_cast<std::size_t>(i)]));
    distill::smoothed_targets(labels, 0.0, out);
    CHECK(out.at(2) == 1.0f);
    CHECK(out.at(0) == 0.0f);
}

TEST_CASE("softened targets are softmax(z/T)", "[distill][targets]") {
    // z = [ln 4, 0], T = 2: softmax([ln 2, 0]) = [2/3, 1/3].
    Tensor z = Tensor::from({1, 2}, std::vector<float>{std::log(4.0f), 0.0f});
    Tensor out = Tensor::empty({1, 2});
    distill::softened_targets(z, 2.0, out);
    CHECK(out.at(0) == Approx(2.0 / 3.0));
    CHECK(out.at(1) == Approx(1.0 / 3.0));
}
