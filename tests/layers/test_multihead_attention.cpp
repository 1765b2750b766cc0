#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/multihead_attention.hpp"
#include "tests/ops/gradcheck.hpp"
#include "tests/random_tensor.hpp"

using namespace lskd;
using testing::random_tensor;

namespace {

float max_difference(const Tensor& a, const Tensor& b) {
    float worst = 0.0f;
    for (std::int64_t i = 0; i < a.numel(); ++i) worst = std::max(worst, std::abs(a.at(i) - b.at(i)));
    return worst;
}

// Reference attention by loops, for batch row b, query i: softmax over seen keys of q·k/√dh, heads concatenated.
Tensor loop_attention(nn::MultiheadAttention& attn, const Tensor& x, const Tensor& mask) {
    const std::int64_t n = x.dim(0), l = x.dim(1), d = x.dim(2), h = attn.heads(), dh = d / h;
    const Variable rows(x.reshaped({n * l, d}));
    const Tensor q = attn.project(rows, 0).value(), k = attn.project(rows, 1).value(),
                 v = attn.project(rows, 2).value();
    Tensor context = Tensor::zeros({n * l, d});
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t head = 0; head < h; ++head)
            for (std::int64_t i = 0; i < l; ++i) {
                std::vector<double> p(static_cast<std::size_t>(l));
                double total = 0.0;
                for (std::int64_t j = 0; j < l; ++j) {
                    double s = 0.0;
                    for (std::int64_t e = 0; e < dh; ++e)
                        s += q.at((b * l + i) * d + head * dh + e) * k.at((b * l + j) * d + head * dh + e);
                    total += p[static_cast<std::size_t>(j)] = std::exp(s / std::sqrt(double(dh)) + mask.at(b * l + j));
                }
                for (std::int64_t j = 0; j < l; ++j)
                    for (std::int64_t e = 0; e < dh; ++e)
                        context.at((b * l + i) * d + head * dh + e) +=
                            static_cast<float>(p[static_cast<std::size_t>(j)] / total) *
                            v.at((b * l + j) * d + head * dh + e);
            }
    return attn.output(Variable(context)).value().reshaped({n, l, d});
}

}  // namespace

TEST_CASE("attention parameters", "[attention]") {
    Rng rng(1);
    nn::MultiheadAttention attn(rng, 8, 2);
    std::vector<std::string> names;
    for (const nn::NamedParameter& p : attn.named_parameters()) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"});
    CHECK(attn.named_parameters()[0].var.shape() == Shape{24, 8});
    // xavier-uniform: |w| ≤ √(6 / (8 + 24)); PyTorch zeroes both biases.
    for (float w : attn.named_parameters()[0].var.value().values()) CHECK(std::abs(w) <= std::sqrt(6.0f / 32.0f));
    for (std::size_t i : {1u, 3u})
        for (float b : attn.named_parameters()[i].var.value().values()) CHECK(b == 0.0f);
    CHECK_THROWS_WITH(nn::MultiheadAttention(rng, 10, 4), Catch::Contains("not a positive multiple of the 4 heads"));
}

TEST_CASE("attention equals loops", "[attention]") {
    Rng rng(2);
    nn::MultiheadAttention attn(rng, 8, 2);
    const Tensor x = random_tensor({2, 5, 8}, 3);
    Tensor mask = Tensor::zeros({2, 1, 5});
    mask.at(8) = mask.at(9) = -1e9f;  // the second row's last two keys are padding
    const Tensor got = attn.attend(Variable(x), Variable(x), mask).value();
    CHECK(got.shape() == Shape{2, 5, 8});
    CHECK(max_difference(got, loop_attention(attn, x, mask)) < 1e-5f);
}

TEST_CASE("attention ignores hidden keys", "[attention]") {
    Rng rng(4);
    nn::MultiheadAttention attn(rng, 8, 4);
    const Tensor query = random_tensor({2, 3, 8}, 5);
    Tensor memory = random_tensor({2, 4, 8}, 6);
    Tensor mask = Tensor::zeros({2, 1, 4});
    mask.at(3) = mask.at(6) = -1e9f;
    const Tensor before = attn.attend(Variable(query), Variable(memory), mask).value();
    for (std::int64_t e = 0; e < 8; ++e) memory.at(3 * 8 + e) = memory.at((4 + 2) * 8 + e) = 7.0f;
    const Tensor after = attn.attend(Variable(query), Variable(memory), mask).value();
    CHECK(max_difference(before, after) == 0.0f);
}

TEST_CASE("attention gradients", "[attention]") {
    Rng rng(7);
    auto attn = std::make_shared<nn::MultiheadAttention>(rng, 4, 2);
    Tensor mask = Tensor::zeros({2, 3, 3});
    mask.at(1) = mask.at(2) = mask.at(5) = -1e9f;  // causal rows in the first batch row
    std::vector<Variable> inputs = {Variable(random_tensor({2, 3, 4}, 8), true)};
    for (const nn::NamedParameter& p : attn->named_parameters()) inputs.push_back(p.var);
    const auto f = [&](const std::vector<Variable>& v) { return attn->attend(v[0], v[0], mask); };
    const testing::GradcheckResult r = testing::gradcheck(f, inputs);
    CHECK(r.max_rel_error < 2e-2);
}
