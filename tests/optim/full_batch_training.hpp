// The loop the end-to-end training tests share: full-batch SGD steps on the soft-target loss with one-hot
// targets, the loss of every step, then the eval-mode accuracy on the same inputs.
#pragma once
#include <cstddef>
#include <vector>

#include "framework/autograd/node.hpp"
#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"

namespace lskd::testing {

struct LabelledBatch {
    Tensor x;
    Tensor one_hot;  // [N, K]
    std::vector<int> label;
};

struct TrainingRun {
    std::vector<float> losses;  // one per step, before its update
    double accuracy;
};

inline TrainingRun train_full_batch(nn::Sequential& model, const optim::SgdOptions& options, const LabelledBatch& data,
                                    int steps) {
    optim::SGD sgd(model.named_parameters(), options);
    const Variable x(data.x);
    TrainingRun run;
    for (int step = 0; step < steps; ++step) {
        sgd.zero_grad();
        Variable loss = ops::soft_target_cross_entropy(model.forward(x), data.one_hot);
        run.losses.push_back(loss.value().at(0));
        loss.backward();
        sgd.step();
    }
    NoGradGuard no_grad;
    model.eval();
    const Tensor logits = model.forward(x).value();
    const auto n = static_cast<std::int64_t>(data.label.size());
    const std::int64_t classes = data.one_hot.dim(1);
    int correct = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        std::int64_t best = 0;
        for (std::int64_t k = 1; k < classes; ++k)
            if (logits.at(i * classes + k) > logits.at(i * classes + best)) best = k;
        correct += best == data.label[static_cast<std::size_t>(i)];
    }
    run.accuracy = static_cast<double>(correct) / static_cast<double>(n);
    return run;
}

}  // namespace lskd::testing
