#include <cmath>

#include <catch2/catch.hpp>

#include "distill/checkpoint.hpp"
#include "distill/run_directory.hpp"
#include "framework/core/error.hpp"
#include "study/mi_analysis.hpp"
#include "tests/study/study_fixture.hpp"

using namespace lskd;
using namespace lskd::testing;
using namespace lskd::study;

TEST_CASE("MI of a trained run lies in its bounds and is stored with its parameters", "[study][mi]") {
    const std::string path = run_copy("mi");
    const MiResult r = analyze_mi(path, small_mi_settings()).at(0);
    const double log_n = std::log(100.0);
    CHECK(r.estimate.mi.nats >= -0.05);
    CHECK(r.estimate.mi.nats <= log_n + 1e-9);
    CHECK(r.class_names == std::vector<std::string>{"Trouser", "Bag"});
    CHECK(r.probe.augment.pad == 2);
    CHECK(r.probe.augment.hflip);
    // 50 of each class, and the same views give the same estimate.
    CHECK(std::count(r.estimate.labels.begin(), r.estimate.labels.end(), 1) == 50);
    CHECK(std::count(r.estimate.labels.begin(), r.estimate.labels.end(), 8) == 50);
    CHECK(analyze_mi(path, small_mi_settings()).at(0).estimate.mi.nats == r.estimate.mi.nats);

    const io::H5File f = io::H5File::open_read(distill::RunDirectory(path).analysis("mi"));
    const std::string g = "/";
    CHECK(f.attr_double(g, "nats") == r.estimate.mi.nats);
    CHECK(f.attr_double(g, "log_n") == Approx(log_n));
    CHECK(f.attr_double(g, "log_2") == Approx(std::log(2.0)));
    CHECK(f.attr_int64(g, "examples") == 100);
    CHECK(f.attr_int64(g, "views") == 5);
    CHECK(f.attr_int64(g, "seed") == 0);
    CHECK(f.attr_int64(g, "augment_pad") == 2);
    CHECK(f.attr_int64(g, "augment_hflip") == 1);
    CHECK(f.attr_strings(g, "class_names") == std::vector<std::string>{"Trouser", "Bag"});
    CHECK(f.shape("/means") == io::Dims{100});
    CHECK(f.shape("/indices") == io::Dims{100});
    CHECK(format_table(r).find("log 2") != std::string::npos);
}

TEST_CASE("MI: N too large or odd, L < 2, bad classes are errors and leave the run unchanged", "[study][mi]") {
    const std::string path = run_copy("mi_bad");
    const auto before = tree_state(path);
    distill::MiSettings s = small_mi_settings();
    s.examples = 200;
    CHECK_THROWS_WITH(analyze_mi(path, s),
                      Catch::Contains("mi-examples 200 needs 100 training examples of each of Trouser and Bag"));
    s.examples = 99;
    CHECK_THROWS_WITH(analyze_mi(path, s), Catch::Contains("must be even"));
    s = small_mi_settings();
    s.views = 1;
    CHECK_THROWS_WITH(analyze_mi(path, s), Catch::Contains("L >= 2"));
    s = small_mi_settings();
    s.classes = "Trouser,Trouser";
    CHECK_THROWS_WITH(analyze_mi(path, s), Catch::Contains("given twice"));
    s.classes = "Trouser,Bag,Sneaker";
    CHECK_THROWS_WITH(analyze_mi(path, s), Catch::Contains("need exactly 2 classes"));
    s.classes = "Trouser,Hat";
    CHECK_THROWS_WITH(analyze_mi(path, s), Catch::Contains("unknown class 'Hat'"));
    CHECK(tree_state(path) == before);
}

TEST_CASE("a run with mi-every appends MI on every E-th and the last epoch, NaN between", "[study][mi]") {
    distill::RunConfig c = small_run_config(temp_path("mi_hook"));
    c.mi_every = 2;
    c.mi_examples = 100;
    distill::train(c, small_dataset(), quiet());
    const auto mi = distill::load_run(c.output).metrics.at("mi");
    REQUIRE(mi.size() == 3);
    CHECK(std::isnan(mi[0]));
    for (double v : {mi[1], mi[2]}) {
        CHECK(v >= -0.05);
        CHECK(v <= std::log(100.0));
    }
    // The hook's estimate at the last epoch is the command's on the finished run (same probe, same parameters).
    distill::MiSettings s;
    s.examples = 100;
    CHECK(analyze_mi(c.output, s).at(0).estimate.mi.nats == Approx(mi[2]).epsilon(1e-9));
}

TEST_CASE("MI views: shift-flip by default, shift without the flip, training the run's own augmentation",
          "[study][mi]") {
    const std::string path = run_copy("mi_augment");
    distill::MiSettings s = small_mi_settings();
    s.augment = "shift";
    const MiResult shift = analyze_mi(path, s).at(0);
    CHECK(shift.probe.augment.pad == 2);
    CHECK(!shift.probe.augment.hflip);
    const io::H5File f = io::H5File::open_read(distill::RunDirectory(path).analysis("mi"));
    CHECK(f.attr_string("/", "augment") == "shift");
    CHECK(f.attr_int64("/", "augment_hflip") == 0);

    // The fixture's run trains without augmentation: 'training' has nothing to probe with.
    const auto before = tree_state(path);
    s.augment = "training";
    CHECK_THROWS_WITH(analyze_mi(path, s), Catch::Contains("the run trains without"));
    s.augment = "rotate";
    CHECK_THROWS_WITH(analyze_mi(path, s), Catch::Contains("unknown augmentation 'rotate'"));
    CHECK(tree_state(path) == before);
}

TEST_CASE("several MI pairs: one estimate, analysis file and epoch metric per pair, the first keeping 'mi'",
          "[study][mi]") {
    const std::string path = run_copy("mi_pairs");
    distill::MiSettings s = small_mi_settings();
    s.classes = "Trouser,Bag;T-shirt/top,Shirt";
    const std::vector<MiResult> r = analyze_mi(path, s);
    REQUIRE(r.size() == 2);
    CHECK(r[1].class_names == std::vector<std::string>{"T-shirt/top", "Shirt"});
    // The first pair's estimate is the single-pair analysis's.
    CHECK(r[0].estimate.mi.nats == analyze_mi(path, small_mi_settings()).at(0).estimate.mi.nats);
    const io::H5File f = io::H5File::open_read(distill::RunDirectory(path).analysis("mi_2"));
    CHECK(f.attr_strings("/", "class_names") == std::vector<std::string>{"T-shirt/top", "Shirt"});
    CHECK(f.attr_double("/", "nats") == r[1].estimate.mi.nats);

    // A bad second pair is found before anything is written.
    const std::string clean = run_copy("mi_pairs_bad");
    const auto before = tree_state(clean);
    s.classes = "Trouser,Bag;Trouser,Hat";
    CHECK_THROWS_WITH(analyze_mi(clean, s), Catch::Contains("unknown class 'Hat'"));
    CHECK(tree_state(clean) == before);
}
