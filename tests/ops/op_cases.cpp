#include "tests/ops/op_cases.hpp"

#include "framework/ops/ops.hpp"

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
    cases[OpKind::reshape] = {[](const std::vector<Variable>& v) { return ops::reshape(v[0], {2, 12}); },
                              {param({2, 2, 3, 2})}};
    cases[OpKind::log_softmax] = {[](const std::vector<Variable>& v) { return ops::log_softmax(v[0]); },
                                  {param({3, 5})}};
    Tensor q = Tensor::from({2, 3}, std::vector<float>{0.7f, 0.2f, 0.1f, 0.05f, 0.05f, 0.9f});
    cases[OpKind::soft_target_cross_entropy] = {
        [q](const std::vector<Variable>& v) { return ops::soft_target_cross_entropy(v[0], q, 2.5f); },
        {param({2, 3})}};
    return cases;
}

}  // namespace lskd::testing
