#include <catch2/catch.hpp>

#include "framework/core/error.hpp"
#include "framework/core/random.hpp"
#include "models/model_registry.hpp"

using namespace lskd;

namespace {
Variable random_input(std::int64_t n, const models::InputShape& s) {
    Rng rng(11);
    Tensor t = Tensor::empty({n, s.height, s.width, s.channels});
    for (auto& v : t.values()) v = rng.normal();
    return Variable(t);
}
}  // namespace

TEST_CASE("every model runs on 28x28x1 and 32x32x3 and exposes penultimate activations and templates", "[models]") {
    struct Expect {
        std::string name;
        std::int64_t penultimate;
    };
    const std::vector<Expect> expected = {{"mlp-1200", 1200}, {"mlp-800", 800},  {"lenet", 1024},
                                          {"alexnet-cifar", 192}, {"resnet-20", 64}};
    for (const models::InputShape shape : {models::InputShape{28, 28, 1}, models::InputShape{32, 32, 3}}) {
        for (const auto& e : expected) {
            DYNAMIC_SECTION(e.name << " on " << shape.height << "x" << shape.width << "x" << shape.channels) {
                auto model = models::make_model(e.name, shape, 10, 1);
                models::ClassifierOutput out = model->forward_with_features(random_input(2, shape));
                CHECK(out.penultimate.shape() == Shape{2, e.penultimate});
                CHECK(out.logits.shape() == Shape{2, 10});
                CHECK(model->head().weight().shape() == Shape{10, e.penultimate});
                CHECK(model->head().bias().shape() == Shape{10});
            }
        }
    }
}

TEST_CASE("resnet depth follows 6n+2", "[models]") {
    auto count_convs = [](const std::string& name) {
        auto model = models::make_model(name, {32, 32, 3}, 10, 1);
        int convs = 0;
        for (const auto& p : model->named_parameters())
            if (p.var.value().rank() == 4 && p.var.dim(2) == 3) ++convs;
        return convs;
    };
    CHECK(count_convs("resnet-20") == 19);  // 6·3 + 1 three-by-three convolutions, plus the classifier
    CHECK(count_convs("resnet-32") == 31);
    CHECK(count_convs("resnet-56") == 55);
}

TEST_CASE("mlp takes its hidden sizes from the options", "[models]") {
    auto model = models::make_model("mlp", {28, 28, 1}, 3, 1, {{64, 32}, 0.0});
    CHECK(model->head().weight().shape() == Shape{3, 32});
    CHECK_THROWS_AS(models::make_model("mlp", {28, 28, 1}, 3, 1), Error);
}

TEST_CASE("the same seed builds the same weights", "[models]") {
    auto a = models::make_model("lenet", {28, 28, 1}, 10, 5);
    auto b = models::make_model("lenet", {28, 28, 1}, 10, 5);
    auto c = models::make_model("lenet", {28, 28, 1}, 10, 6);
    const auto sa = a->state(), sb = b->state(), sc = c->state();
    const Tensor& wa = sa.at("classifier.weight");
    CHECK(std::equal(wa.values().begin(), wa.values().end(), sb.at("classifier.weight").values().begin()));
    CHECK_FALSE(std::equal(wa.values().begin(), wa.values().end(), sc.at("classifier.weight").values().begin()));
}

TEST_CASE("unknown models and class counts are errors", "[models]") {
    CHECK_THROWS_WITH(models::make_model("vgg", {28, 28, 1}, 10, 1), Catch::Contains("unknown model 'vgg'"));
    CHECK_THROWS_AS(models::make_model("lenet", {28, 28, 1}, 1, 1), Error);
}
