#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"

using namespace lskd;
using namespace lskd::optim;

namespace {

std::shared_ptr<nn::Sequential> make_model(std::uint64_t seed) {
    Rng rng(seed);
    auto m = std::make_shared<nn::Sequential>();
    m->append(std::make_shared<nn::Linear>(rng, 3, 8));
    m->append(std::make_shared<nn::ReLU>());
    m->append(std::make_shared<nn::Linear>(rng, 8, 2));
    return m;
}

const SgdOptions kOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 5e-4, .decay_biases_and_norm = false};

// One step on a fixed batch; the loss pulls the logits towards [0.3, 0.7].
void train_step(nn::Module& model, SGD& sgd) {
    Variable x(Tensor::from({2, 3}, std::vector<float>{0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f}));
    const Tensor target = Tensor::from({2, 2}, std::vector<float>{0.3f, 0.7f, 0.3f, 0.7f});
    sgd.zero_grad();
    ops::soft_target_cross_entropy(model.forward(x), target).backward();
    sgd.step();
}

std::vector<float> flat_params(const nn::Module& model) {
    std::vector<float> out;
    for (const auto& p : model.named_parameters())
        out.insert(out.end(), p.var.value().values().begin(), p.var.value().values().end());
    return out;
}

}  // namespace

TEST_CASE("a run resumed from model and optimizer state continues bit-identically", "[optim][sgd]") {
    auto model = make_model(1);
    SGD sgd(model->named_parameters(), kOptions);
    for (int i = 0; i < 3; ++i) train_step(*model, sgd);
    const nn::StateDict model_state = model->state();
    const nn::StateDict opt_state = sgd.state();
    CHECK(opt_state.size() == 4);
    CHECK(opt_state.count("2.bias") == 1);
    for (int i = 0; i < 3; ++i) train_step(*model, sgd);
    const auto uninterrupted = flat_params(*model);

    auto resumed = make_model(2);
    resumed->load_state(model_state);
    SGD resumed_sgd(resumed->named_parameters(), kOptions);
    resumed_sgd.load_state(opt_state);
    for (int i = 0; i < 3; ++i) train_step(*resumed, resumed_sgd);
    CHECK(flat_params(*resumed) == uninterrupted);

    // Without the momentum the continuation differs: the state matters.
    auto restarted = make_model(3);
    restarted->load_state(model_state);
    SGD fresh(restarted->named_parameters(), kOptions);
    for (int i = 0; i < 3; ++i) train_step(*restarted, fresh);
    CHECK(flat_params(*restarted) != uninterrupted);
}

TEST_CASE("optimizer state export is a snapshot and import is checked", "[optim][sgd]") {
    auto model = make_model(4);
    SGD sgd(model->named_parameters(), kOptions);
    CHECK(sgd.state().empty());
    train_step(*model, sgd);
    const nn::StateDict state = sgd.state();
    const float first = state.at("0.weight").at(0);
    train_step(*model, sgd);
    CHECK(state.at("0.weight").at(0) == first);
    CHECK(sgd.state().at("0.weight").at(0) != first);

    nn::StateDict unknown = state;
    unknown["9.weight"] = Tensor::zeros({1});
    CHECK_THROWS_WITH(sgd.load_state(unknown), Catch::Contains("'9.weight' is not a parameter"));
    nn::StateDict wrong = state;
    wrong["0.bias"] = Tensor::zeros({3});
    CHECK_THROWS_WITH(sgd.load_state(wrong), Catch::Contains("momentum of '0.bias' has shape [3], the parameter [8]"));

    SGD plain(model->named_parameters(), {.lr = 0.1});
    CHECK_THROWS_WITH(plain.load_state(state), Catch::Contains("without momentum keeps no state"));
    plain.load_state({});
}
