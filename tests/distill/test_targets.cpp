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

TEST_CASE("token targets smooth over V minus PAD and BOS", "[distill][targets]") {
    // V = 6 (PAD, BOS, EOS and 3 tokens), α = 0.2: K = 4, so 0.05 on each emitted token, 0.85 on the target, 0 on
    // PAD and BOS; a PAD target gives a row of zeros and weight 0.
    Tensor out = Tensor::empty({3, 6});
    std::vector<float> weights(3, -1.0f);
    const std::vector<std::int32_t> targets = {4, 2, 0};
    distill::smoothed_token_targets(targets, 0.2, out, weights);
    const std::vector<float> expected = {0,     0,     0.05f, 0.05f, 0.85f, 0.05f, 0, 0, 0.85f,
                                         0.05f, 0.05f, 0.05f, 0,     0,     0,     0, 0, 0};
    for (int i = 0; i < 18; ++i) CHECK(out.at(i) == Approx(expected[static_cast<std::size_t>(i)]));
    CHECK(weights == std::vector<float>{1, 1, 0});
    const std::vector<std::int32_t> bos = {1, 2, 0};
    CHECK_THROWS(distill::smoothed_token_targets(bos, 0.2, out, weights));
}

TEST_CASE("softened targets are softmax(z/T)", "[distill][targets]") {
    // z = [ln 4, 0], T = 2: softmax([ln 2, 0]) = [2/3, 1/3].
    Tensor z = Tensor::from({1, 2}, std::vector<float>{std::log(4.0f), 0.0f});
    Tensor out = Tensor::empty({1, 2});
    distill::softened_targets(z, 2.0, out);
    CHECK(out.at(0) == Approx(2.0 / 3.0));
    CHECK(out.at(1) == Approx(1.0 / 3.0));
}
