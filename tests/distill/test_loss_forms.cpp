#include <cmath>

#include <catch2/catch.hpp>

#include "distill/loss_forms.hpp"
#include "framework/core/error.hpp"
#include "tests/ops/gradcheck.hpp"

using namespace lskd;
using namespace lskd::distill;

namespace {

// One example, K = 2: student logits [0, ln 3] give p_s = [1/4, 3/4]; label 0; teacher logits [ln 3, 0]
// give p_t = [3/4, 1/4] at T = 1.
const float kLn3 = std::log(3.0f);

struct Example {
    Variable student{Tensor::from({1, 2}, std::vector<float>{0.0f, kLn3}), true};
    Tensor hard = Tensor::from({1, 2}, std::vector<float>{1.0f, 0.0f});
    Tensor teacher = Tensor::from({1, 2}, std::vector<float>{kLn3, 0.0f});
};

void check_loss(LossForm form, double beta, double T, double value, double grad0) {
    Example e;
    LossWorkspace ws;
    LossValue v = distillation_loss(e.student, e.hard, e.teacher, {form, beta, T}, ws);
    CHECK(v.reported == Approx(value).epsilon(1e-5));
    v.objective.backward();
    CHECK(e.student.grad().at(0) == Approx(grad0).epsilon(1e-5));
    CHECK(e.student.grad().at(1) == Approx(-grad0).epsilon(1e-5));
}

}  // namespace

TEST_CASE("muller form: hand-worked value and gradient", "[distill][loss]") {
    // β = 0.5: 0.5·(−ln ¼) + 0.5·(−¾ ln ¼ − ¼ ln ¾) = 0.693147 + 0.5·(1.039721 + 0.071921) = 1.248968.
    // ∂/∂z_s = 0.5·(p_s − y) + 0.5·(p_s − p_t) = 0.5·[−¾, ¾] + 0.5·[−½, ½] = [−0.625, 0.625].
    check_loss(LossForm::muller, 0.5, 1.0, 1.248968, -0.625);
}

TEST_CASE("hinton form: hand-worked value (KL, with T²) and gradient", "[distill][loss]") {
    // T = 2: p_t(2) = softmax([ln3/2, 0]) = [0.633975, 0.366025], p_s(2) = [0.366025, 0.633975].
    // KL = (0.633975 − 0.366025)·ln √3 = 0.267949·0.549306 = 0.147186.
    // β = 0.5: 0.5·1.386294 + 0.5·4·0.147186 = 0.693147 + 0.294372 = 0.987519.
    // ∂/∂z_s = 0.5·(p_s − y) + 0.5·T·(p_s(T) − p_t(T)) = −0.375 − 0.267949 = −0.642949 for class 0.
    check_loss(LossForm::hinton, 0.5, 2.0, 0.987519, -0.642949);
}

TEST_CASE("logit-mse form: hand-worked value and gradient", "[distill][loss]") {
    // β = 0.6: 0.4·(−ln ¼) + 0.6·½·(ln²3 + ln²3) = 0.554518 + 0.6·1.206949 = 1.278687.
    // ∂/∂z_s = 0.4·(p_s − y) + 0.6·(z_s − z_t) = 0.4·(−¾) + 0.6·(−ln 3) = −0.959167 for class 0.
    check_loss(LossForm::logit_mse, 0.6, 1.0, 1.278687, -0.959167);
}

TEST_CASE("every loss form's gradient matches finite differences", "[distill][loss]") {
    Rng rng(31);
    const Tensor hard = Tensor::from({3, 4}, std::vector<float>{0.9f, 0.1f / 3, 0.1f / 3, 0.1f / 3,  //
                                                                0.025f, 0.925f, 0.025f, 0.025f,      //
                                                                0.025f, 0.025f, 0.025f, 0.925f});
    const Tensor teacher = testing::random_tensor({3, 4}, rng, -3.0f, 3.0f);
    for (LossForm form : {LossForm::muller, LossForm::hinton, LossForm::logit_mse}) {
        for (double T : {1.0, 4.0}) {
            DYNAMIC_SECTION(loss_form_name(form) << " T=" << T) {
                auto fn = [&](const std::vector<Variable>& v) {
                    LossWorkspace ws;
                    return distillation_loss(v[0], hard, teacher, {form, 0.7, T}, ws).objective;
                };
                const auto r = testing::gradcheck(fn, {Variable(testing::random_tensor({3, 4}, rng), true)});
                CHECK(r.max_rel_error < 2e-2);
            }
        }
    }
}

TEST_CASE("loss forms by name, and their default weights", "[distill][loss]") {
    CHECK(parse_loss_form("muller") == LossForm::muller);
    CHECK(parse_loss_form("hinton") == LossForm::hinton);
    CHECK(parse_loss_form("logit-mse") == LossForm::logit_mse);
    CHECK_THROWS_WITH(parse_loss_form("kl"), Catch::Contains("unknown loss form 'kl'"));
    CHECK(default_beta(LossForm::muller) == 1.0);
    CHECK(default_beta(LossForm::logit_mse) == 0.6);
}
