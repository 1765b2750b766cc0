// The token loss of sequence runs against values worked from its definitions (distill/token_loss.hpp): a batch of
// two positions over V = 4 ids (PAD, BOS, EOS, one token), the second position padding, so only the first counts.
// Student logits z = [0, 0, 0, ln 3] give softmax [1, 1, 1, 3]/6; teacher logits [0, 0, ln 3, ln 3] give [1, 1, 3,
// 3]/8.
#include <cmath>

#include <catch2/catch.hpp>

#include "distill/token_loss.hpp"

using namespace lskd;

namespace {

const std::vector<std::int32_t> kTargets = {3, 0};

Variable student() {
    const float l3 = std::log(3.0f);
    return Variable(Tensor::from({2, 4}, std::vector<float>{0, 0, 0, l3, 5, -1, 2, 0}), true);
}

Tensor teacher() {
    const float l3 = std::log(3.0f);
    return Tensor::from({2, 4}, std::vector<float>{0, 0, l3, l3, 1, 2, 3, 4});
}

}  // namespace

TEST_CASE("token loss without a teacher", "[distill][token_loss]") {
    distill::TokenLossWorkspace w;
    // α = 0: −log(3/6) = ln 2.
    distill::TokenLoss l = distill::token_loss(student(), kTargets, 0.0, nullptr, {}, w);
    CHECK(l.reported == Approx(std::log(2.0)));
    CHECK(l.tokens == 1);
    CHECK(l.correct == 1);
    // α = 0.2 over K = V − 2 = 2: q = [0, 0, 0.1, 0.9], so 0.1·ln 6 + 0.9·ln 2.
    l = distill::token_loss(student(), kTargets, 0.2, nullptr, {}, w);
    CHECK(l.reported == Approx(0.1 * std::log(6.0) + 0.9 * std::log(2.0)));
    CHECK(l.reported == Approx(0.8030084094));
}

TEST_CASE("token loss in the muller and hinton forms", "[distill][token_loss]") {
    distill::TokenLossWorkspace w;
    const Tensor t = teacher();
    // muller, β = 1, T = 1: H(p_t, p_s) = (5/8)·ln 6 + (3/8)·ln 2.
    distill::DistillSettings muller{distill::LossForm::muller, 1.0, 1.0};
    distill::TokenLoss l = distill::token_loss(student(), kTargets, 0.0, &t, muller, w);
    CHECK(l.reported == Approx(5.0 / 8 * std::log(6.0) + 3.0 / 8 * std::log(2.0)));
    // hinton, β = 0.5, T = 2: 0.5·ln 2 + 0.5·4·KL(p_t(2) ‖ p_s(2)), worked with numpy from the definitions.
    distill::DistillSettings hinton{distill::LossForm::hinton, 0.5, 2.0};
    l = distill::token_loss(student(), kTargets, 0.0, &t, hinton, w);
    CHECK(l.reported == Approx(0.4071376589).epsilon(1e-4));  // the teacher term is summed from float targets
    CHECK(l.tokens == 1);
}

TEST_CASE("token loss leaves padding out of the gradient", "[distill][token_loss]") {
    distill::TokenLossWorkspace w;
    const Variable z = student();
    const distill::TokenLoss l = distill::token_loss(z, kTargets, 0.1, nullptr, {}, w);
    Variable objective = l.objective;
    objective.backward();
    for (int j = 4; j < 8; ++j) CHECK(z.grad().at(j) == 0.0f);
    CHECK(z.grad().at(3) < 0.0f);  // the target's logit rises
}
