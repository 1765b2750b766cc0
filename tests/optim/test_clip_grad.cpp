#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/optim/clip_grad.hpp"

using namespace lskd;
using namespace lskd::optim;

namespace {

Variable with_grad(std::vector<float> g) {
    const auto n = static_cast<std::int64_t>(g.size());
    Variable v(Tensor::zeros({n}), true);
    v.grad() = Tensor::from({n}, g);
    return v;
}

}  // namespace

TEST_CASE("clip_grad_norm scales all gradients by max_norm / (norm + 1e-6)", "[optim][clip]") {
    // ‖(3, 4, 12)‖ = √(9 + 16 + 144) = 13; max_norm 6.5 ⇒ scale 6.5 / (13 + 1e-6) ≈ 0.5
    std::vector<nn::NamedParameter> params{{"a", with_grad({3.0f, 4.0f}), nn::ParamKind::weight},
                                           {"b", with_grad({12.0f}), nn::ParamKind::bias},
                                           {"c", Variable(Tensor::zeros({2}), true), nn::ParamKind::weight}};
    CHECK(clip_grad_norm(params, 6.5) == Approx(13.0));
    const double scale = 6.5 / (13.0 + 1e-6);
    CHECK(params[0].var.grad().at(0) == Approx(3.0 * scale));
    CHECK(params[0].var.grad().at(1) == Approx(4.0 * scale));
    CHECK(params[1].var.grad().at(0) == Approx(12.0 * scale));
    CHECK_FALSE(params[2].var.grad().defined());

    // Under max_norm nothing changes.
    const float before = params[1].var.grad().at(0);
    CHECK(clip_grad_norm(params, 20.0) == Approx(6.5));
    CHECK(params[1].var.grad().at(0) == before);
    CHECK_THROWS_AS(clip_grad_norm(params, 0.0), Error);
}

TEST_CASE("clip_grad_norm scales shared gradient storage once and leaves the original alone", "[optim][clip]") {
    const Tensor shared = Tensor::from({2}, std::vector<float>{3.0f, 4.0f});
    std::vector<Variable> vars{Variable(Tensor::zeros({2}), true), Variable(Tensor::zeros({2}), true)};
    vars[0].grad() = shared;
    vars[1].grad() = shared;
    // norm = √(2·25) = √50 ≈ 7.0711; max_norm 1 ⇒ each gradient becomes (3, 4)/7.0711
    CHECK(clip_grad_norm(vars, 1.0) == Approx(std::sqrt(50.0)));
    CHECK(shared.at(0) == 3.0f);
    CHECK(vars[0].grad().at(0) == Approx(3.0 / std::sqrt(50.0)));
    CHECK(vars[1].grad().at(1) == Approx(4.0 / std::sqrt(50.0)));
}
