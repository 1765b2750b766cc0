#include <cmath>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/mi_probe.hpp"
#include "framework/core/error.hpp"
#include "tests/distill/run_fixture.hpp"

using namespace lskd;
using namespace lskd::distill;
using namespace lskd::testing;

TEST_CASE("MI pairs split on ';', and the first pair's estimate keeps the name 'mi'", "[distill][mi]") {
    CHECK(split_mi_pairs("") == std::vector<std::string>{""});
    CHECK(split_mi_pairs("T-shirt/top,Shirt; Trouser,Bag") ==
          std::vector<std::string>{"T-shirt/top,Shirt", "Trouser,Bag"});
    CHECK_THROWS_WITH(split_mi_pairs("Trouser,Bag;"), Catch::Contains("empty class pair"));
    CHECK(mi_name(0) == "mi");
    CHECK(mi_name(1) == "mi_2");

    RunConfig c = small_run_config("");
    c.mi_examples = 100;
    c.mi_classes = "Trouser,Bag;T-shirt/top,Shirt";
    CHECK(mi_epoch_metrics(c, small_dataset()).empty());  // without mi-every
    c.mi_every = 1;
    const auto metrics = mi_epoch_metrics(c, small_dataset());
    CHECK(metrics.size() == 2);
    CHECK(metrics.contains("mi"));
    CHECK(metrics.contains("mi_2"));
}

TEST_CASE("the MI probe's 'training' views are the run's own augmentation", "[distill][mi]") {
    RunConfig c = small_run_config("");
    c.augment = true;
    c.shift = 1;
    c.hflip = 1;
    c.mi_augment = "training";
    c.mi_examples = 100;
    const MiProbe probe = make_mi_probe(small_dataset(), run_mi_settings(c, small_dataset()));
    CHECK(probe.augment.pad == 1);
    CHECK(probe.augment.hflip);
    c.augment = false;
    CHECK(augment_spec(c, small_dataset()).pad == 0);
    CHECK_FALSE(run_mi_settings(c, small_dataset()).training_augment);
}

TEST_CASE("a too large mi-examples names the key, both classes' counts and the largest value that fits",
          "[distill][mi]") {
    RunConfig c = small_run_config("");
    c.mi_every = 1;
    c.mi_classes = "Shirt,T-shirt/top";
    c.mi_examples = 1000;
    const auto counts = data::class_counts(small_dataset().train.labels, small_dataset().num_classes);
    const std::size_t fits = 2 * std::min(counts[6], counts[0]);
    CHECK_THROWS_WITH(
        check_mi_settings(c, small_dataset()),
        Catch::Contains(fmt::format("mi-examples 1000 needs 500 training examples of each of Shirt and "
                                    "T-shirt/top, which have {} and {} in the training split (max-train 600): lower "
                                    "mi-examples to at most {}",
                                    counts[6], counts[0], fits)));
    c.mi_examples = static_cast<std::int64_t>(fits);
    CHECK_NOTHROW(check_mi_settings(c, small_dataset()));
}

TEST_CASE("a bad mi-classes is refused before the first step, with or without mi-every", "[distill][mi]") {
    RunConfig c = small_run_config(temp_path("mi_nope"));
    c.mi_classes = "Nope,Shirt";
    CHECK_THROWS_WITH(check_mi_settings(c, small_dataset()),
                      Catch::Contains("mi-classes 'Nope,Shirt': unknown class 'Nope'"));
    c.mi_every = 1;
    CHECK_THROWS_WITH(train(c, small_dataset(), quiet()), Catch::Contains("unknown class 'Nope'"));
    CHECK_FALSE(std::filesystem::exists(c.output));
}

TEST_CASE("the trainer honours mi-every without any hook: /metrics/mi and the early points", "[distill][mi]") {
    RunConfig c = small_run_config(temp_path("mi_own"));
    c.epochs = 2;
    c.mi_every = 1;
    c.mi_examples = 100;
    c.mi_early = 2;
    train(c, small_dataset(), quiet());
    const RunContents run = load_run(c.output);
    REQUIRE(run.metrics.at("mi").size() == 2);
    for (double v : run.metrics.at("mi")) CHECK(std::isfinite(v));
    CHECK(run.early_metrics.at("mi").size() == 3);  // before the first step and the two early points
    CHECK(run.config.mi_every == 1);
}
