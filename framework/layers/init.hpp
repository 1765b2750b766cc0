// Seeded parameter initialisers with PyTorch's formulas (torch.nn.init): every draw comes from the given
// lskd::Rng, in memory order, so a model's initial weights are a pure function of its seed.
#pragma once
#include <cstdint>

#include "framework/core/random.hpp"
#include "framework/tensor/tensor.hpp"

// Initialisers write the tensor in place through Tensor::values_in_place(), so ops' caches of prepared
// weights and graphs that saved the tensor see the change.
namespace lskd::nn::init {

enum class Nonlinearity { linear, conv, sigmoid, tanh, relu, leaky_relu };
enum class FanMode { fan_in, fan_out };

struct Fans {
    std::int64_t in;
    std::int64_t out;
};
// As torch's _calculate_fan_in_and_fan_out: for [out, in, kh, kw...], fan_in = in·kh·kw, fan_out =
// out·kh·kw. Needs rank >= 2.
Fans compute_fans(const Shape& shape);
// torch.nn.init.calculate_gain; `param` is leaky_relu's negative slope.
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);

void uniform_(Tensor& t, Rng& rng, float lo = 0.0f, float hi = 1.0f);
void normal_(Tensor& t, Rng& rng, float mean = 0.0f, float std = 1.0f);
void zeros_(Tensor& t);
void ones_(Tensor& t);
// std = gain(nonlinearity, a) / √fan; the uniform variant draws from ±√3·std.
void kaiming_uniform_(Tensor& t, Rng& rng, double a = 0.0, FanMode mode = FanMode::fan_in,
                      Nonlinearity nonlinearity = Nonlinearity::leaky_relu);
void kaiming_normal_(Tensor& t, Rng& rng, double a = 0.0, FanMode mode = FanMode::fan_in,
                     Nonlinearity nonlinearity = Nonlinearity::leaky_relu);
// std = gain·√(2 / (fan_in + fan_out)); the uniform variant draws from ±√3·std.
void xavier_uniform_(Tensor& t, Rng& rng, double gain = 1.0);
void xavier_normal_(Tensor& t, Rng& rng, double gain = 1.0);

// PyTorch's default for Linear and Conv2d: weight kaiming_uniform(a=√5) ⇒ U(±1/√fan_in), and the bias
// U(±1/√fan_in) with the weight's fan_in.
void default_weight_(Tensor& weight, Rng& rng);
void default_bias_(Tensor& bias, const Shape& weight_shape, Rng& rng);

}  // namespace lskd::nn::init
