#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/embedding.hpp"
#include "framework/layers/layer_norm.hpp"
#include "framework/layers/transformer_decoder_layer.hpp"
#include "framework/layers/transformer_encoder_layer.hpp"
#include "framework/layers/transformer_stack.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using testing::random_tensor;

namespace {

std::vector<std::string> parameter_names(const nn::Module& m) {
    std::vector<std::string> names;
    for (const nn::NamedParameter& p : m.named_parameters()) names.push_back(p.name);
    return names;
}

float max_difference(std::span<const float> a, std::span<const float> b) {
    float worst = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

const nn::TransformerLayerOptions kSmall{8, 2, 16, 0.0f, nn::Activation::relu};

}  // namespace

TEST_CASE("embedding and layer norm", "[transformer_layers]") {
    Rng rng(1);
    nn::Embedding table(rng, 5, 3);
    const Variable rows = table.forward(Variable(Tensor::from({2}, std::vector<float>{4.0f, 0.0f})));
    CHECK(rows.shape() == Shape{2, 3});
    for (int e = 0; e < 3; ++e) CHECK(rows.value().at(e) == table.weight().value().at(4 * 3 + e));
    CHECK_THROWS_WITH(table.forward(Variable(Tensor::from({1}, std::vector<float>{1.5f}))),
                      "Embedding: entry 0 of the ids is 1.5, not a whole number in [0, 5)");
    nn::LayerNorm norm(3);
    for (const nn::NamedParameter& p : norm.named_parameters()) CHECK(p.kind == nn::ParamKind::norm);
    const Tensor y = norm.forward(Variable(Tensor::from({1, 3}, std::vector<float>{1.0f, 2.0f, 3.0f}))).value();
    CHECK(y.at(0) == Approx(-std::sqrt(1.5f)).epsilon(1e-4));
    CHECK(y.at(1) == Approx(0.0f).margin(1e-6));
}

TEST_CASE("encoder layer names follow PyTorch", "[transformer_layers]") {
    Rng rng(2);
    nn::TransformerEncoderLayer layer(rng, kSmall);
    CHECK(parameter_names(layer) ==
          std::vector<std::string>{"self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                                   "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
                                   "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"});
    CHECK(layer.forward(Variable(random_tensor({2, 3, 8}, 3))).shape() == Shape{2, 3, 8});
    nn::TransformerDecoderLayer decoder(rng, kSmall);
    const auto names = parameter_names(decoder);
    CHECK(names.size() == 4 + 4 + 4 + 6);
    CHECK(names[4] == "multihead_attn.in_proj_weight");
    CHECK(names.back() == "norm3.bias");
}

TEST_CASE("decoder layer is causal", "[transformer_layers]") {
    Rng rng(4);
    nn::TransformerDecoderLayer layer(rng, kSmall);
    Tensor x = random_tensor({1, 4, 8}, 5);
    const Variable memory(random_tensor({1, 3, 8}, 6));
    const auto run = [&](const Tensor& input) {
        return layer.decode(Variable(input), memory, nn::causal_mask(1, 4), Tensor::zeros({1, 1, 3})).value();
    };
    const Tensor before = run(x.clone());
    for (std::int64_t e = 0; e < 8; ++e) x.at(2 * 8 + e) += 1.0f;  // position 2 changes
    const Tensor after = run(x);
    CHECK(max_difference(before.values().subspan(0, 16), after.values().subspan(0, 16)) == 0.0f);
    CHECK(max_difference(before.values().subspan(16), after.values().subspan(16)) > 1e-3f);
}

TEST_CASE("stack gradients with gelu", "[transformer_layers]") {
    Rng rng(6);
    nn::TransformerLayerOptions options = kSmall;
    options.activation = nn::Activation::gelu;
    nn::TransformerEncoder encoder(rng, 1, options, 1);
    nn::TransformerDecoder decoder(rng, 1, options, 2);
    std::vector<Variable> inputs = {Variable(random_tensor({1, 3, 8}, 7), true),
                                    Variable(random_tensor({1, 2, 8}, 8), true)};
    const auto f = [&](const std::vector<Variable>& v) {
        return decoder.decode(v[1], encoder.forward(v[0]), nn::causal_mask(1, 2), Tensor::zeros({1, 1, 3}));
    };
    CHECK(testing::gradcheck(f, inputs).max_rel_error < 2e-2);
    for (const nn::NamedParameter& p : decoder.named_parameters())
        CHECK(p.var.grad().defined());  // every weight is on the path
}

TEST_CASE("dropout in training only", "[transformer_layers]") {
    Rng rng(8);
    nn::TransformerLayerOptions options = kSmall;
    options.dropout = 0.5f;
    nn::TransformerEncoderLayer layer(rng, options, 9);
    const Variable x(random_tensor({2, 3, 8}, 10));
    const Tensor a = layer.forward(x).value(), b = layer.forward(x).value();
    CHECK(max_difference(a.values(), b.values()) > 1e-3f);  // fresh masks each call
    layer.eval();
    const Tensor c = layer.forward(x).value(), d = layer.forward(x).value();
    CHECK(max_difference(c.values(), d.values()) == 0.0f);
}
