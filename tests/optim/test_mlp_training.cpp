// End to end: a small MLP learns four Gaussian clusters with SGD and the soft-target loss on one-hot
// targets, reproducibly.
#include <catch2/catch.hpp>

#include "framework/autograd/node.hpp"
#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"

using namespace lskd;

namespace {

constexpr int kPoints = 256;
constexpr int kClasses = 4;
constexpr int kSteps = 150;

struct Blobs {
    Tensor x;        // [256, 2]
    Tensor one_hot;  // [256, 4]
    std::vector<int> label;
};

// Cluster k is centred at (±1.5, ±1.5) with standard deviation 0.5: separable up to a few outliers.
Blobs make_blobs(std::uint64_t seed) {
    Rng rng(seed);
    Blobs b{Tensor::empty({kPoints, 2}), Tensor::zeros({kPoints, kClasses}), {}};
    for (int i = 0; i < kPoints; ++i) {
        const int k = i % kClasses;
        b.x.at(2 * i) = (k & 1 ? 1.5f : -1.5f) + 0.5f * rng.normal();
        b.x.at(2 * i + 1) = (k & 2 ? 1.5f : -1.5f) + 0.5f * rng.normal();
        b.one_hot.at(i * kClasses + k) = 1.0f;
        b.label.push_back(k);
    }
    return b;
}

struct Run {
    std::vector<float> losses;
    double accuracy;
};

Run train(std::uint64_t seed) {
    const Blobs data = make_blobs(seed);
    Rng rng(seed);
    nn::Sequential model{std::make_shared<nn::Linear>(rng, 2, 16), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(rng, 16, kClasses)};
    optim::SGD sgd(model.named_parameters(), {.lr = 0.1, .momentum = 0.9, .weight_decay = 1e-4});
    const Variable x(data.x);
    Run run;
    for (int step = 0; step < kSteps; ++step) {
        sgd.zero_grad();
        Variable loss = ops::soft_target_cross_entropy(model.forward(x), data.one_hot);
        run.losses.push_back(loss.value().at(0));
        loss.backward();
        sgd.step();
    }
    NoGradGuard no_grad;
    model.eval();
    const Tensor logits = model.forward(x).value();
    int correct = 0;
    for (int i = 0; i < kPoints; ++i) {
        int best = 0;
        for (int k = 1; k < kClasses; ++k)
            if (logits.at(i * kClasses + k) > logits.at(i * kClasses + best)) best = k;
        correct += best == data.label[static_cast<std::size_t>(i)];
    }
    run.accuracy = static_cast<double>(correct) / kPoints;
    return run;
}

}  // namespace

TEST_CASE("an MLP trained with SGD separates four clusters, deterministically", "[optim][training]") {
    const Run first = train(2024);
    INFO("final loss " << first.losses.back() << ", accuracy " << first.accuracy);
    CHECK(first.accuracy > 0.95);
    CHECK(first.losses.back() < 0.25f * first.losses.front());
    const Run second = train(2024);
    CHECK(second.losses == first.losses);
}
