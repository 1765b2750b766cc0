#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/layers/nn.hpp"

using namespace lskd;
using namespace lskd::nn;

namespace {

// A module written the way model code writes them: members registered in the constructor.
class Block : public Module {
public:
    explicit Block(Rng& rng) {
        fc = register_module("fc", std::make_shared<Linear>(rng, 3, 4));
        bn = register_module("bn", std::make_shared<BatchNorm2d>(4));
        scale = register_parameter("scale", Tensor::full({4}, 2.0f), ParamKind::norm);
        steps = &register_buffer("steps", Tensor::zeros({1}));
    }
    Variable forward(const Variable& x) override { return bn->forward(fc->forward(x)); }

    std::shared_ptr<Linear> fc;
    std::shared_ptr<BatchNorm2d> bn;
    Variable scale;
    Tensor* steps;
};

std::vector<std::string> param_names(const Module& m) {
    std::vector<std::string> names;
    for (const auto& p : m.named_parameters()) names.push_back(p.name);
    return names;
}

std::shared_ptr<Sequential> nested(Rng& rng) {
    auto inner = std::make_shared<Sequential>(
        std::initializer_list<std::shared_ptr<Module>>{std::make_shared<Linear>(rng, 2, 3), std::make_shared<ReLU>()});
    auto outer = std::make_shared<Sequential>();
    outer->append(inner);
    outer->append("head", std::make_shared<Linear>(rng, 3, 1, false));
    outer->append(std::make_shared<Dropout>(0.5f, 7));
    return outer;
}

}  // namespace

TEST_CASE("nested modules name their members with dots, in registration order", "[layers][module]") {
    Rng rng(1);
    auto model = nested(rng);
    CHECK(param_names(*model) == std::vector<std::string>{"0.0.weight", "0.0.bias", "head.weight"});
    CHECK(model->num_parameters() == 2 * 3 + 3 + 3);
    CHECK(model->parameters().size() == 3);
    CHECK(model->named_counters() == CounterDict{{"2.counter", 0}});

    Block block(rng);
    CHECK(param_names(block) == std::vector<std::string>{"scale", "fc.weight", "fc.bias", "bn.weight", "bn.bias"});
    std::vector<std::string> buffers;
    for (const auto& b : block.named_buffers()) buffers.push_back(b.name);
    CHECK(buffers == std::vector<std::string>{"steps", "bn.running_mean", "bn.running_var"});
    std::vector<std::string> modules;
    for (const auto& [name, m] : block.named_modules()) modules.push_back(name);
    CHECK(modules == std::vector<std::string>{"", "fc", "bn"});
}

TEST_CASE("parameters carry their kind and require grad, buffers share storage", "[layers][module]") {
    Rng rng(2);
    Block block(rng);
    for (const auto& p : block.named_parameters()) {
        INFO(p.name);
        CHECK(p.var.requires_grad());
        const ParamKind expected = p.name == "fc.weight" ? ParamKind::weight
                                   : p.name == "fc.bias" ? ParamKind::bias
                                                         : ParamKind::norm;
        CHECK(p.kind == expected);
    }
    block.steps->at(0) = 5.0f;
    CHECK(block.named_buffers()[0].tensor.at(0) == 5.0f);
    CHECK(block.named_buffers()[0].tensor.data() == block.steps->data());
}

TEST_CASE("member names must be unique and dot-free", "[layers][module]") {
    struct Bad : Module {
        Variable forward(const Variable& x) override { return x; }
        void twice() {
            register_parameter("w", Tensor::zeros({1}));
            register_buffer("w", Tensor::zeros({1}));
        }
        void dotted() { register_parameter("a.b", Tensor::zeros({1})); }
        void null_child() { register_module("c", std::shared_ptr<Module>()); }
    };
    Bad bad;
    CHECK_THROWS_WITH(bad.twice(), Catch::Contains("'w' is registered twice"));
    CHECK_THROWS_WITH(bad.dotted(), Catch::Contains("'a.b'"));
    CHECK_THROWS_WITH(bad.null_child(), Catch::Contains("'c' is null"));
}

TEST_CASE("a module shared twice is listed once", "[layers][module]") {
    Rng rng(3);
    auto shared = std::make_shared<Linear>(rng, 2, 2);
    Sequential seq;
    seq.append(shared);
    seq.append(shared);
    CHECK(param_names(seq) == std::vector<std::string>{"0.weight", "0.bias"});
}

TEST_CASE("train and eval reach every descendant", "[layers][module]") {
    Rng rng(4);
    auto model = nested(rng);
    const auto all_training = [&](bool expected) {
        for (const auto& [name, m] : model->named_modules())
            if (m->is_training() != expected) return false;
        return true;
    };
    CHECK(all_training(true));
    model->eval();
    CHECK(all_training(false));
    model->train();
    CHECK(all_training(true));
    model->train(false);
    CHECK(all_training(false));
}

TEST_CASE("zero_grad resets every gradient to undefined", "[layers][module]") {
    Rng rng(5);
    auto model = nested(rng);
    model->eval();  // no dropout, so every parameter receives a gradient
    Variable x(Tensor::full({4, 2}, 0.5f));
    Variable y = model->forward(x);
    y.backward(Tensor::full(y.shape(), 1.0f));
    for (const auto& p : model->named_parameters()) CHECK(p.var.grad().defined());
    model->zero_grad();
    for (const auto& p : model->named_parameters()) CHECK_FALSE(p.var.grad().defined());
}

TEST_CASE("load_state copies parameters and buffers in and bumps versions", "[layers][module]") {
    Rng rng_a(6), rng_b(7);
    Block a(rng_a), b(rng_b);
    a.steps->at(0) = 3.0f;
    a.bn->eval();
    const StateDict saved = a.state();
    CHECK(saved.size() == 8);

    // state() is a snapshot: later changes to the model do not reach it.
    a.fc->weight().value().at(0) += 1.0f;
    CHECK(saved.at("fc.weight").at(0) == a.fc->weight().value().at(0) - 1.0f);

    const auto version = b.fc->weight().value().version();
    const float* storage = b.fc->weight().value().data();
    b.load_state(saved);
    CHECK(b.fc->weight().value().version() == version + 1);
    CHECK(b.fc->weight().value().data() == storage);  // copied into the existing storage
    for (const auto& [name, t] : b.state()) {
        INFO(name);
        const auto expected = saved.at(name).values();
        CHECK(std::equal(t.values().begin(), t.values().end(), expected.begin(), expected.end()));
    }
    CHECK(b.steps->at(0) == 3.0f);
}

TEST_CASE("load_state names the entry at fault and changes nothing on error", "[layers][module]") {
    Rng rng(8);
    Block block(rng);
    const StateDict good = block.state();
    const float before = block.fc->weight().value().at(0);

    StateDict missing = good;
    missing.erase("bn.running_var");
    CHECK_THROWS_WITH(block.load_state(missing), Catch::Contains("'bn.running_var' is missing"));

    StateDict extra = good;
    extra["fc.gain"] = Tensor::zeros({4});
    CHECK_THROWS_WITH(block.load_state(extra), Catch::Contains("'fc.gain' is not a parameter or buffer"));

    StateDict wrong = good;
    wrong["fc.weight"] = Tensor::full({3, 4}, 9.0f);
    wrong["fc.bias"] = Tensor::full({4}, 9.0f);
    CHECK_THROWS_WITH(block.load_state(wrong), Catch::Contains("'fc.weight' has shape [3, 4] in the state but [4, 3]"));
    CHECK(block.fc->weight().value().at(0) == before);
    CHECK(block.fc->bias().value().at(0) != 9.0f);
}

TEST_CASE("counters round-trip through load_counters", "[layers][module]") {
    Rng rng(9);
    auto model = nested(rng);
    model->load_counters({{"2.counter", 41}});
    CHECK(model->named_counters().at("2.counter") == 41);
    CHECK_THROWS_WITH(model->load_counters({}), Catch::Contains("'2.counter' is missing"));
    CHECK_THROWS_WITH(model->load_counters({{"2.counter", 1}, {"x", 2}}), Catch::Contains("'x' is not a counter"));
}
