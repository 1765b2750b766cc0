#include "framework/layers/init.hpp"

#include <cmath>

#include "framework/core/error.hpp"

namespace lskd::nn::init {
namespace {

std::int64_t fan(const Shape& shape, FanMode mode) {
    const Fans f = compute_fans(shape);
    const std::int64_t n = mode == FanMode::fan_in ? f.in : f.out;
    if (n <= 0) fail("initialiser: shape {} has a zero fan", shape.str());
    return n;
}

}  // namespace

Fans compute_fans(const Shape& shape) {
    if (shape.rank() < 2) fail("fan in and fan out need a tensor of rank >= 2, got shape {}", shape.str());
    std::int64_t receptive = 1;
    for (int i = 2; i < shape.rank(); ++i) receptive *= shape[i];
    return {shape[1] * receptive, shape[0] * receptive};
}

double calculate_gain(Nonlinearity nonlinearity, double param) {
    switch (nonlinearity) {
        case Nonlinearity::linear:
        case Nonlinearity::conv:
        case Nonlinearity::sigmoid: return 1.0;
        case Nonlinearity::tanh: return 5.0 / 3.0;
        case Nonlinearity::relu: return std::sqrt(2.0);
        case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1.0 + param * param));
    }
    fail("calculate_gain: unknown nonlinearity {}", static_cast<int>(nonlinearity));
}

void uniform_(Tensor& t, Rng& rng, float lo, float hi) {
    for (float& v : t.values_in_place()) v = rng.uniform(lo, hi);
}

void normal_(Tensor& t, Rng& rng, float mean, float std) {
    for (float& v : t.values_in_place()) v = mean + std * rng.normal();
}

void zeros_(Tensor& t) { t.fill(0.0f); }
void ones_(Tensor& t) { t.fill(1.0f); }

void kaiming_uniform_(Tensor& t, Rng& rng, double a, FanMode mode, Nonlinearity nonlinearity) {
    const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(t.shape(), mode)));
    const auto bound = static_cast<float>(std::sqrt(3.0) * std);
    uniform_(t, rng, -bound, bound);
}

void kaiming_normal_(Tensor& t, Rng& rng, double a, FanMode mode, Nonlinearity nonlinearity) {
    const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(t.shape(), mode)));
    normal_(t, rng, 0.0f, static_cast<float>(std));
}

void xavier_uniform_(Tensor& t, Rng& rng, double gain) {
    const Fans f = compute_fans(t.shape());
    const double std = gain * std::sqrt(2.0 / static_cast<double>(f.in + f.out));
    const auto bound = static_cast<float>(std::sqrt(3.0) * std);
    uniform_(t, rng, -bound, bound);
}

void xavier_normal_(Tensor& t, Rng& rng, double gain) {
    const Fans f = compute_fans(t.shape());
    normal_(t, rng, 0.0f, static_cast<float>(gain * std::sqrt(2.0 / static_cast<double>(f.in + f.out))));
}

void default_weight_(Tensor& weight, Rng& rng) { kaiming_uniform_(weight, rng, std::sqrt(5.0)); }

void default_bias_(Tensor& bias, const Shape& weight_shape, Rng& rng) {
    const std::int64_t fan_in = compute_fans(weight_shape).in;
    const auto bound = fan_in > 0 ? static_cast<float>(1.0 / std::sqrt(static_cast<double>(fan_in))) : 0.0f;
    uniform_(bias, rng, -bound, bound);
}

}  // namespace lskd::nn::init
