// The optimizers' resume tests: a small MLP, one step on a fixed batch, and its parameters flattened, so that a run
// resumed from model and optimizer state can be compared with one that never stopped.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "framework/core/random.hpp"
#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"

namespace lskd::testing {

inline std::shared_ptr<nn::Sequential> make_resume_model(std::uint64_t seed) {
    Rng rng(seed);
    auto m = std::make_shared<nn::Sequential>();
    m->append(std::make_shared<nn::Linear>(rng, 3, 8));
    m->append(std::make_shared<nn::ReLU>());
    m->append(std::make_shared<nn::Linear>(rng, 8, 2));
    return m;
}

// One step on a fixed batch; the loss pulls the logits towards [0.3, 0.7].
template <typename Optimizer>
void resume_step(nn::Module& model, Optimizer& optimizer) {
    Variable x(Tensor::from({2, 3}, std::vector<float>{0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f}));
    const Tensor target = Tensor::from({2, 2}, std::vector<float>{0.3f, 0.7f, 0.3f, 0.7f});
    optimizer.zero_grad();
    ops::soft_target_cross_entropy(model.forward(x), target).backward();
    optimizer.step();
}

inline std::vector<float> flat_params(const nn::Module& model) {
    std::vector<float> out;
    for (const auto& p : model.named_parameters())
        out.insert(out.end(), p.var.value().values().begin(), p.var.value().values().end());
    return out;
}

}  // namespace lskd::testing
