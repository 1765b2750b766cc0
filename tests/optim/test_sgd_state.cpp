#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/nn.hpp"
#include "framework/ops/ops.hpp"
#include "framework/optim/sgd.hpp"
#include "tests/optim/resume_fixture.hpp"

using namespace lskd;
using namespace lskd::optim;

namespace {

const SgdOptions kOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 5e-4, .decay_biases_and_norm = false};

}  // namespace

TEST_CASE("a run resumed from model and optimizer state continues bit-identically", "[optim][sgd]") {
    auto model = testing::make_resume_model(1);
    SGD sgd(model->named_parameters(), kOptions);
    for (int i = 0; i < 3; ++i) testing::resume_step(*model, sgd);
    const nn::StateDict model_state = model->state();
    const nn::StateDict opt_state = sgd.state();
    CHECK(opt_state.size() == 4);
    CHECK(opt_state.count("2.bias") == 1);
    for (int i = 0; i < 3; ++i) testing::resume_step(*model, sgd);
    const auto uninterrupted = testing::flat_params(*model);

    auto resumed = testing::make_resume_model(2);
    resumed->load_state(model_state);
    SGD resumed_sgd(resumed->named_parameters(), kOptions);
    resumed_sgd.load_state(opt_state);
    for (int i = 0; i < 3; ++i) testing::resume_step(*resumed, resumed_sgd);
    CHECK(testing::flat_params(*resumed) == uninterrupted);

    // Without the momentum the continuation differs: the state matters.
    auto restarted = testing::make_resume_model(3);
    restarted->load_state(model_state);
    SGD fresh(restarted->named_parameters(), kOptions);
    for (int i = 0; i < 3; ++i) testing::resume_step(*restarted, fresh);
    CHECK(testing::flat_params(*restarted) != uninterrupted);
}

TEST_CASE("optimizer state export is a snapshot and import is checked", "[optim][sgd]") {
    auto model = testing::make_resume_model(4);
    SGD sgd(model->named_parameters(), kOptions);
    CHECK(sgd.state().empty());
    testing::resume_step(*model, sgd);
    const nn::StateDict state = sgd.state();
    const float first = state.at("0.weight").at(0);
    testing::resume_step(*model, sgd);
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
