// End to end: a small MLP learns four Gaussian clusters with SGD and the soft-target loss on one-hot
// targets, reproducibly.
#include <catch2/catch.hpp>

#include "tests/optim/full_batch_training.hpp"

using namespace lskd;

namespace {

constexpr int kPoints = 256;
constexpr int kClasses = 4;
constexpr int kSteps = 150;

// Cluster k is centred at (±1.5, ±1.5) with standard deviation 0.5: separable up to a few outliers.
testing::LabelledBatch make_blobs(std::uint64_t seed) {
    Rng rng(seed);
    testing::LabelledBatch b{Tensor::empty({kPoints, 2}), Tensor::zeros({kPoints, kClasses}), {}};
    for (int i = 0; i < kPoints; ++i) {
        const int k = i % kClasses;
        b.x.at(2 * i) = (k & 1 ? 1.5f : -1.5f) + 0.5f * rng.normal();
        b.x.at(2 * i + 1) = (k & 2 ? 1.5f : -1.5f) + 0.5f * rng.normal();
        b.one_hot.at(i * kClasses + k) = 1.0f;
        b.label.push_back(k);
    }
    return b;
}

testing::TrainingRun train(std::uint64_t seed) {
    const testing::LabelledBatch data = make_blobs(seed);
    Rng rng(seed);
    nn::Sequential model{std::make_shared<nn::Linear>(rng, 2, 16), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(rng, 16, kClasses)};
    return testing::train_full_batch(model, {.lr = 0.1, .momentum = 0.9, .weight_decay = 1e-4}, data, kSteps);
}

}  // namespace

TEST_CASE("an MLP trained with SGD separates four clusters, deterministically", "[optim][training]") {
    const testing::TrainingRun first = train(2024);
    INFO("final loss " << first.losses.back() << ", accuracy " << first.accuracy);
    CHECK(first.accuracy > 0.95);
    CHECK(first.losses.back() < 0.25f * first.losses.front());
    const testing::TrainingRun second = train(2024);
    CHECK(second.losses == first.losses);
}
