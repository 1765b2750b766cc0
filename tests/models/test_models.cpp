#include <algorithm>
#include <map>

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

TEST_CASE("every table entry builds on each of its input shapes and produces K logits", "[models]") {
    // The penultimate width of each model, worked out from its architecture ("mlp" with hidden = {16}).
    const std::map<std::string, std::int64_t> penultimate = {
        {"mlp-1200", 1200}, {"mlp-800", 800},  {"mlp", 16},       {"lenet", 1024},    {"alexnet-cifar", 192},
        {"resnet-20", 64},  {"resnet-32", 64}, {"resnet-56", 64}, {"resnet-18", 512}, {"resnet-50", 2048}};
    const models::ModelOptions options{{16}, 0.0};
    for (const models::ModelEntry& e : models::model_table()) {
        if (e.kind != models::ModelKind::classifier) continue;  // tests/models/test_transformer.cpp
        REQUIRE(penultimate.count(e.name) == 1);                // a new model needs its expected width here
        CHECK_FALSE(e.description.empty());
        CHECK_FALSE(e.inputs.empty());
        const std::int64_t d = penultimate.at(e.name);
        for (const models::InputShape& shape : e.inputs) {
            DYNAMIC_SECTION(e.name << " on " << shape.str()) {
                auto model = models::make_model(e.name, shape, 7, 1, options);
                models::ClassifierOutput out = model->forward_with_features(random_input(2, shape));
                CHECK(out.penultimate.shape() == Shape{2, d});
                CHECK(out.logits.shape() == Shape{2, 7});
                CHECK(model->head().weight().shape() == Shape{7, d});
                CHECK(model->head().bias().shape() == Shape{7});
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

TEST_CASE("unknown models, class counts and too small inputs are errors", "[models]") {
    CHECK_THROWS_WITH(models::make_model("vgg", {28, 28, 1}, 10, 1),
                      "unknown model 'vgg' (expected one of mlp-1200, mlp-800, mlp, lenet, alexnet-cifar, resnet-20, "
                      "resnet-32, resnet-56, resnet-18, resnet-50)");
    try {
        models::make_model("vgg", {28, 28, 1}, 10, 1);
    } catch (const Error& e) {
        for (const std::string& name : models::model_names()) CHECK_THAT(e.what(), Catch::Contains(name));
    }
    CHECK_THROWS_WITH(models::make_model("lenet", {28, 28, 1}, 1, 1), "model lenet: needs at least 2 classes, got 1");
    // LeNet pools by 2 twice: 4x4 leaves one pixel, 3x3 none.
    CHECK(models::make_model("lenet", {4, 4, 1}, 2, 1)->forward(random_input(1, {4, 4, 1})).shape() == Shape{1, 2});
    CHECK_THROWS_WITH(models::make_model("lenet", {3, 4, 1}, 2, 1),
                      "model lenet: input 3x4x1 is too small (needs height and width >= 4 and at least one channel)");
}

TEST_CASE("the listing has one line per table entry with its shapes and description", "[models]") {
    const std::string listing = models::model_listing();
    CHECK(std::count(listing.begin(), listing.end(), '\n') == static_cast<long>(models::model_table().size()));
    CHECK_THAT(listing, Catch::Contains("  lenet              28x28x1, 32x32x3    LeNet-style CNN"));
    CHECK(models::model_name_list().rfind("mlp-1200, mlp-800, mlp, lenet, ", 0) == 0);
}

TEST_CASE("the table's parameter counts are the built models' parameters, computed without building", "[models]") {
    for (const models::ModelEntry& e : models::model_table())
        for (const models::InputShape& shape : e.inputs) {  // sequence models have none
            DYNAMIC_SECTION(e.name << " on " << shape.str()) {
                const models::ModelOptions options{{16, 8}, 0.0};
                std::uint64_t built = 0;
                for (const nn::NamedParameter& p : models::make_model(e.name, shape, 7, 1, options)->named_parameters())
                    built += static_cast<std::uint64_t>(p.var.value().numel());
                CHECK(models::parameter_count(e.name, shape, 7, options) == built);
            }
        }
}

TEST_CASE("a model too large for this machine's memory is refused with its size, before anything is allocated",
          "[models]") {
    const models::ModelOptions huge{{100000000}, 0.0};
    CHECK(models::parameter_count("mlp", {28, 28, 1}, 10, huge) == 785ull * 100000000 + 1000000000 + 10);
    CHECK_THROWS_WITH(models::make_model("mlp", {28, 28, 1}, 10, 1, huge),
                      Catch::Contains("model mlp (hidden 100000000) on 28x28x1 inputs: 79500000010 parameters would "
                                      "need 954.0 GB"));
    // Sizes whose product overflows 64 bits saturate rather than wrap to a small count.
    const models::ModelOptions absurd{{std::int64_t{1} << 62, std::int64_t{1} << 62}, 0.0};
    CHECK(models::parameter_count("mlp", {28, 28, 1}, 10, absurd) == UINT64_MAX);
    CHECK_THROWS_WITH(models::check_model_fits("mlp", {28, 28, 1}, 10, absurd), Catch::Contains("over 2^64"));
    CHECK_NOTHROW(models::check_model_fits("resnet-56", {32, 32, 3}, 100));
}
