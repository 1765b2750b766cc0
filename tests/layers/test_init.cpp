#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/nn.hpp"

using namespace lskd;
using namespace lskd::nn;

namespace {

struct Moments {
    double mean, std, max_abs;
};

Moments moments(const Tensor& t) {
    double sum = 0, sum_sq = 0, max_abs = 0;
    for (float v : t.values()) {
        sum += v;
        sum_sq += static_cast<double>(v) * v;
        max_abs = std::max(max_abs, static_cast<double>(std::fabs(v)));
    }
    const double n = static_cast<double>(t.numel());
    const double mean = sum / n;
    return {mean, std::sqrt(sum_sq / n - mean * mean), max_abs};
}

}  // namespace

TEST_CASE("fans follow PyTorch for linear and OIHW weights", "[layers][init]") {
    CHECK(init::compute_fans({10, 784}).in == 784);
    CHECK(init::compute_fans({10, 784}).out == 10);
    CHECK(init::compute_fans({8, 3, 5, 5}).in == 3 * 5 * 5);
    CHECK(init::compute_fans({8, 3, 5, 5}).out == 8 * 5 * 5);
    CHECK_THROWS_AS(init::compute_fans({5}), Error);
    CHECK(init::calculate_gain(init::Nonlinearity::relu) == Approx(std::sqrt(2.0)));
    CHECK(init::calculate_gain(init::Nonlinearity::tanh) == Approx(5.0 / 3.0));
    CHECK(init::calculate_gain(init::Nonlinearity::leaky_relu, std::sqrt(5.0)) == Approx(std::sqrt(1.0 / 3.0)));
    CHECK(init::calculate_gain(init::Nonlinearity::linear) == 1.0);
}

TEST_CASE("Linear's default init is U(±1/√fan_in) for weight and bias", "[layers][init]") {
    Rng rng(11);
    Linear fc(rng, 784, 10);
    const double bound = 1.0 / std::sqrt(784.0);
    const Moments w = moments(fc.weight().value());
    CHECK(w.max_abs <= bound);
    CHECK(w.max_abs > 0.98 * bound);
    CHECK(w.mean == Approx(0.0).margin(0.02 * bound));
    CHECK(w.std == Approx(bound / std::sqrt(3.0)).epsilon(0.03));
    CHECK(moments(fc.bias().value()).max_abs <= bound);
}

TEST_CASE("Conv2d's default init uses fan_in = in·kh·kw", "[layers][init]") {
    Rng rng(12);
    Conv2d conv(rng, 16, 64, 3);
    CHECK(conv.weight().shape() == Shape{64, 16, 3, 3});
    const double bound = 1.0 / std::sqrt(16.0 * 9.0);
    const Moments w = moments(conv.weight().value());
    CHECK(w.max_abs <= bound);
    CHECK(w.std == Approx(bound / std::sqrt(3.0)).epsilon(0.03));
    CHECK(moments(conv.bias().value()).max_abs <= bound);
    CHECK(moments(conv.bias().value()).max_abs > 0.5 * bound);
}

TEST_CASE("kaiming and xavier initialisers have the PyTorch spread", "[layers][init]") {
    Rng rng(13);
    Tensor t = Tensor::empty({256, 128});

    init::kaiming_normal_(t, rng);  // a = 0, leaky_relu ⇒ gain √2
    CHECK(moments(t).std == Approx(std::sqrt(2.0) / std::sqrt(128.0)).epsilon(0.03));
    CHECK(moments(t).mean == Approx(0.0).margin(0.01));

    init::kaiming_normal_(t, rng, 0.0, init::FanMode::fan_out, init::Nonlinearity::relu);
    CHECK(moments(t).std == Approx(std::sqrt(2.0) / std::sqrt(256.0)).epsilon(0.03));

    init::kaiming_uniform_(t, rng, 0.0, init::FanMode::fan_in, init::Nonlinearity::relu);
    const double kaiming_bound = std::sqrt(3.0) * std::sqrt(2.0 / 128.0);
    CHECK(moments(t).max_abs <= kaiming_bound);
    CHECK(moments(t).std == Approx(kaiming_bound / std::sqrt(3.0)).epsilon(0.03));

    init::xavier_uniform_(t, rng);
    const double xavier_bound = std::sqrt(6.0 / (256.0 + 128.0));
    CHECK(moments(t).max_abs <= xavier_bound);
    CHECK(moments(t).std == Approx(xavier_bound / std::sqrt(3.0)).epsilon(0.03));

    init::xavier_normal_(t, rng, 2.0);
    CHECK(moments(t).std == Approx(2.0 * std::sqrt(2.0 / 384.0)).epsilon(0.03));
}

TEST_CASE("normal_, uniform_, zeros_ and ones_", "[layers][init]") {
    Rng rng(14);
    Tensor t = Tensor::empty({100, 100});
    init::normal_(t, rng, 3.0f, 0.5f);
    CHECK(moments(t).mean == Approx(3.0).margin(0.02));
    CHECK(moments(t).std == Approx(0.5).epsilon(0.03));
    init::uniform_(t, rng, -2.0f, 1.0f);
    CHECK(*std::min_element(t.values().begin(), t.values().end()) >= -2.0f);
    CHECK(*std::max_element(t.values().begin(), t.values().end()) < 1.0f);
    CHECK(moments(t).mean == Approx(-0.5).margin(0.03));
    init::zeros_(t);
    CHECK(moments(t).max_abs == 0.0);
    init::ones_(t);
    CHECK(moments(t).mean == 1.0);
}

TEST_CASE("initialisation is a pure function of the seed", "[layers][init]") {
    const auto weights = [](std::uint64_t seed) {
        Rng rng(seed);
        Linear fc(rng, 20, 30);
        const auto w = fc.weight().value().values();
        return std::vector<float>(w.begin(), w.end());
    };
    CHECK(weights(5) == weights(5));
    CHECK(weights(5) != weights(6));

    // Successive modules draw from the same stream, so they differ from each other.
    Rng rng(5);
    Linear first(rng, 20, 30), second(rng, 20, 30);
    CHECK(first.weight().value().at(0) != second.weight().value().at(0));
}
