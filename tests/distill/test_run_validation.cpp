// The checks before the first step: a split without some class, a shift beyond half the image and a non-finite
// rate fail at once, naming what is wrong, and leave no run file; before them, a split without a class trained
// every epoch and then failed writing the records, and lr = inf failed at step 1 as "loss is nan".
#include <filesystem>

#include <catch2/catch.hpp>

#include "distill/run_validation.hpp"
#include "framework/core/error.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;

namespace {

data::ImageSet tiny_set(std::vector<std::int32_t> labels) {
    data::ImageSet set;
    set.height = 28;
    set.width = 28;
    set.channels = 1;
    set.pixels.assign(labels.size() * 28 * 28, 0);
    for (std::size_t i = 0; i < labels.size(); ++i) set.original_index.push_back(static_cast<std::int64_t>(i));
    set.labels = std::move(labels);
    return set;
}

// Three classes 'a', 'b', 'c' of 28x28 images; every class in every split unless a test removes one.
data::Dataset three_classes() {
    data::Dataset d;
    d.name = "tiny";
    d.dir = "/data/tiny";
    d.num_classes = 3;
    d.class_names = {"a", "b", "c"};
    d.train = tiny_set({0, 1, 2, 2});
    d.test = tiny_set({2, 1, 0});
    return d;
}

std::string message(const distill::RunConfig& c, const data::Dataset& d) {
    try {
        distill::validate_before_training(c, d, false);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("every class must be in the training and test splits", "[distill][validation]") {
    distill::RunConfig c;
    c.batch = 2;
    data::Dataset d = three_classes();
    CHECK(message(c, d).empty());

    d.test = tiny_set({0, 2, 2});  // no 'b'
    const std::string test_msg = message(c, d);
    CHECK_THAT(test_msg,
               Catch::Contains("tiny (/data/tiny): the test split (3 examples) has no example of class 'b' (1 of 3)"));
    CHECK_THAT(test_msg, Catch::Contains("max-test"));

    d = three_classes();
    d.train = tiny_set({1, 1, 2});  // no 'a'
    CHECK_THAT(message(c, d), Catch::Contains("the training split (3 examples) has no example of class 'a' (0 of 3)"));
}

TEST_CASE("the shift is at most half the image side", "[distill][validation]") {
    distill::RunConfig c;
    c.batch = 2;
    c.augment = true;
    const data::Dataset d = three_classes();
    c.shift = 14;  // 28 / 2
    CHECK(message(c, d).empty());
    c.shift = 15;
    CHECK_THAT(message(c, d), Catch::Contains("shift must be at most half the image side (14 pixels for 28x28 "
                                              "images of tiny), got 15"));
    c.shift = 100;
    CHECK_THAT(message(c, d), Catch::Contains("got 100"));
    c.shift = -5;  // the data-free checks run too
    CHECK_THAT(message(c, d), Catch::Contains("shift must be >= 0 pixels (or -1: the data set's default), got -5"));
}

TEST_CASE("a test split missing a class fails before the first epoch and writes nothing", "[distill][validation]") {
    distill::RunConfig config = small_run_config(temp_path("max_test_5"));
    config.max_test = 5;  // five of ten classes
    const data::Dataset dataset = distill::load_run_dataset(config);
    CHECK_THROWS_WITH(distill::train(config, dataset, quiet()),
                      Catch::Contains("the test split (5 examples) has no example"));
    CHECK_FALSE(std::filesystem::exists(config.output));
}

TEST_CASE("a non-finite lr or beta fails before the first step, naming the key", "[distill][validation]") {
    distill::RunConfig config = small_run_config(temp_path("lr_inf"));
    config.lr = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(distill::train(config, small_dataset(), quiet()), "lr must be > 0 and finite, got inf");
    CHECK_FALSE(std::filesystem::exists(config.output));
    config = small_run_config(temp_path("beta_nan"));
    config.beta = std::nan("");
    CHECK_THROWS_WITH(distill::train(config, small_dataset(), quiet()), Catch::Contains("beta must be in [0, 1]"));
    CHECK_FALSE(std::filesystem::exists(config.output));
}

TEST_CASE("a batch larger than the training split and a model too large for memory fail before the first step",
          "[distill][validation]") {
    distill::RunConfig c;
    const data::Dataset d = three_classes();
    c.batch = 5;
    CHECK_THAT(message(c, d), Catch::Contains("batch 5 is larger than the 4 examples of the training split"));
    c.batch = 4;
    CHECK(message(c, d).empty());
    c.model = "mlp";
    c.hidden = {100000000};
    CHECK_THAT(message(c, d), Catch::Contains("model mlp (hidden 100000000) on 28x28x1 inputs:") &&
                                  Catch::Contains("parameters would need") && Catch::Contains("GB"));
}
