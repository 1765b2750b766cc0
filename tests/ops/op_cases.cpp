#include "tests/ops/op_cases.hpp"

#include <memory>
#include <utility>

#include "framework/ops/ops.hpp"
#include "framework/ops/sequence_ops.hpp"

namespace lskd::testing {

std::map<OpKind, OpCase> op_cases() {
    Rng rng(2024, 1);
    std::map<OpKind, OpCase> cases;
    auto param = [&](const Shape& s) { return Variable(random_tensor(s, rng), true); };

    cases[OpKind::linear] = {[](const std::vector<Variable>& v) { return ops::linear(v[0], v[1], v[2]); },
                             {param({3, 4}), param({5, 4}), param({5})}};
    cases[OpKind::relu] = {[](const std::vector<Variable>& v) { return ops::relu(v[0]); },
                           {Variable(away_from_zero({2, 3, 3, 2}, rng), true)}};
    cases[OpKind::add] = {[](const std::vector<Variable>& v) { return ops::add(v[0], v[1]); },
                          {param({2, 3, 2, 2}), param({2, 3, 2, 2})}};
    cases[OpKind::reshape] = {[](const std::vector<Variable>& v) {
                                  return ops::reshape(v[0], {2, 12});
                              },
                              {param({2, 2, 3, 2})}};
    cases[OpKind::narrow] = {[](const std::vector<Variable>& v) { return ops::narrow(v[0], 1, 3); },
                             {param({4, 2, 3})}};
    cases[OpKind::scale] = {[](const std::vector<Variable>& v) { return ops::scale(v[0], -1.5f); }, {param({3, 4})}};
    cases[OpKind::log_softmax] = {[](const std::vector<Variable>& v) { return ops::log_softmax(v[0]); },
                                  {param({3, 5})}};
    Tensor q = Tensor::from({2, 3}, std::vector<float>{0.7f, 0.2f, 0.1f, 0.05f, 0.05f, 0.9f});
    cases[OpKind::soft_target_cross_entropy] = {
        [q](const std::vector<Variable>& v) { return ops::soft_target_cross_entropy(v[0], q, 2.5f); }, {param({2, 3})}};
    Tensor t = random_tensor({3, 4}, rng);
    cases[OpKind::squared_error] = {[t](const std::vector<Variable>& v) { return ops::squared_error(v[0], t, 0.7f); },
                                    {param({3, 4})}};

    cases[OpKind::conv2d] = {
        [](const std::vector<Variable>& v) { return ops::conv2d(v[0], v[1], v[2], {.stride = 2, .padding = 1}); },
        {param({2, 5, 5, 3}), param({4, 3, 3, 3}), param({4})}};
    cases[OpKind::max_pool2d] = {
        [](const std::vector<Variable>& v) { return ops::max_pool2d(v[0], {.kernel = 3, .stride = 2, .padding = 1}); },
        {Variable(distinct_values({2, 5, 5, 3}, rng), true)}};
    cases[OpKind::avg_pool2d] = {
        [](const std::vector<Variable>& v) { return ops::avg_pool2d(v[0], {.kernel = 3, .stride = 2, .padding = 1}); },
        {param({2, 5, 5, 3})}};
    cases[OpKind::global_avg_pool] = {[](const std::vector<Variable>& v) { return ops::global_avg_pool(v[0]); },
                                      {param({2, 3, 4, 3})}};
    // Training mode: batch statistics, running averages updated on every evaluation (harmless here).
    auto running = std::make_shared<std::pair<Tensor, Tensor>>(Tensor::zeros({4}), Tensor::full({4}, 1.0f));
    cases[OpKind::batch_norm] = {
        [running](const std::vector<Variable>& v) {
            ops::BatchNormState state;
            state.running_mean = &running->first;
            state.running_var = &running->second;
            return ops::batch_norm(v[0], v[1], v[2], state);
        },
        {param({2, 3, 3, 4}), Variable(random_tensor({4}, rng, 0.5f, 1.5f), true), param({4})}};
    cases[OpKind::dropout] = {[](const std::vector<Variable>& v) { return ops::dropout(v[0], 0.3f, true, 11, 5); },
                              {param({4, 5})}};
    auto ids = std::make_shared<std::vector<std::int32_t>>(std::vector<std::int32_t>{3, 0, 3, 1, 2, 3});
    cases[OpKind::embedding] = {[ids](const std::vector<Variable>& v) {
                                    return ops::embedding(v[0], *ids, {2, 3});
                                },
                                {param({4, 3})}};
    cases[OpKind::layer_norm] = {[](const std::vector<Variable>& v) { return ops::layer_norm(v[0], v[1], v[2]); },
                                 {param({2, 3, 4}), Variable(random_tensor({4}, rng, 0.5f, 1.5f), true), param({4})}};
    cases[OpKind::gelu] = {[](const std::vector<Variable>& v) { return ops::gelu(v[0]); }, {param({3, 5})}};
    Tensor token_q = random_tensor({3, 4}, rng, 0.0f, 1.0f);
    cases[OpKind::token_cross_entropy] = {[token_q](const std::vector<Variable>& v) {
                                              const float w[] = {1.0f, 0.0f, 2.0f};
                                              return ops::token_cross_entropy(v[0], token_q, w, 1.5f);
                                          },
                                          {param({3, 4})}};
    cases[OpKind::batched_matmul] = {
        [](const std::vector<Variable>& v) { return ops::batched_matmul(v[0], v[1], true, 0.5f); },
        {param({2, 3, 4}), param({2, 5, 4})}};
    cases[OpKind::permute] = {[](const std::vector<Variable>& v) {
                                  return ops::permute(v[0], {0, 2, 1, 3});
                              },
                              {param({2, 3, 2, 2})}};
    // No query of batch 1 sees key 2 (a hidden key, but no fully hidden row).
    const Tensor mask = Tensor::from({2, 1, 3}, std::vector<float>{0, 0, 0, 0, 0, -1e9f});
    cases[OpKind::masked_softmax] = {[mask](const std::vector<Variable>& v) { return ops::masked_softmax(v[0], mask); },
                                     {param({2, 2, 2, 3})}};
    return cases;
}

}  // namespace lskd::testing
