#include <vector>

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

TEST_CASE("clip_grad_norm matches torch.nn.utils.clip_grad_norm_", "[optim][clip]") {
    // torch 1.13: clip_grad_norm_([a, b], max_norm=1.0) with a.grad[i] = ((5i + 1) mod 11 − 5)·0.3 (7 elements)
    // and b.grad[i] = ((7i + 2) mod 11 − 5)·0.3 (3), worked out in double and rounded to float; printed with %.9g.
    // torch sums in float and divides by (norm + 1e-6) in float, this in double: the scaled gradients agree to within
    // two ulp of a float (one seen here), not to the bit.
    const auto pattern = [](std::int64_t n, std::int64_t mul, std::int64_t add) {
        std::vector<float> g;
        for (std::int64_t i = 0; i < n; ++i)
            g.push_back(static_cast<float>(static_cast<double>((i * mul + add) % 11 - 5) * 0.3));
        return g;
    };
    std::vector<Variable> vars{with_grad(pattern(7, 5, 1)), with_grad(pattern(3, 7, 2))};
    CHECK(clip_grad_norm(vars, 1.0) == Approx(3.13209224).epsilon(1e-7));
    const std::vector<float> a{-0.383130372f, 0.0957825929f,  -0.47891295f, 0.0f,
                               0.47891295f,   -0.0957825929f, 0.383130372f};
    const std::vector<float> b{-0.287347764f, 0.383130372f, 0.0f};
    for (std::size_t i = 0; i < a.size(); ++i)
        CHECK(vars[0].grad().at(static_cast<std::int64_t>(i)) == Approx(a[i]).epsilon(3e-7));
    for (std::size_t i = 0; i < b.size(); ++i)
        CHECK(vars[1].grad().at(static_cast<std::int64_t>(i)) == Approx(b[i]).epsilon(3e-7));
}
