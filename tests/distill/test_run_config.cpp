#include <catch2/catch.hpp>

#include "distill/run_config.hpp"
#include "framework/core/error.hpp"

using namespace lskd;
using namespace lskd::distill;

TEST_CASE("YAML keys set config fields and the effective config round-trips", "[distill][config]") {
    RunConfig c;
    apply_yaml_text(c, "model: lenet\nsmoothing: 0.1\nmilestones: [2, 4]\nnesterov: true\nepochs: 7\n", "test.yaml");
    CHECK(c.model == "lenet");
    CHECK(c.smoothing == 0.1);
    CHECK(c.milestones == std::vector<std::int64_t>{2, 4});
    CHECK(c.nesterov);
    RunConfig back;
    apply_yaml_text(back, to_yaml(c), "effective");
    CHECK(to_yaml(back) == to_yaml(c));
    CHECK(back.epochs == 7);
}

TEST_CASE("bad config keys and values are errors naming the source", "[distill][config]") {
    RunConfig c;
    CHECK_THROWS_WITH(apply_yaml_text(c, "lrr: 0.1\n", "my.yaml"), Catch::Contains("my.yaml: unknown config key 'lrr'"));
    CHECK_THROWS_WITH(apply_yaml_text(c, "epochs: three\n", "my.yaml"), Catch::Contains("'three' is not a valid integer"));
    CHECK_THROWS_WITH(apply_yaml_text(c, "- a\n- b\n", "my.yaml"), Catch::Contains("expected a mapping"));
    CHECK_THROWS_WITH(apply_yaml_text(c, "a: [\n", "my.yaml"), Catch::Contains("not valid YAML"));
    CHECK_THROWS_WITH(apply_yaml_file(c, "/nonexistent/x.yaml"), Catch::Contains("/nonexistent/x.yaml: cannot open"));
}

TEST_CASE("validation rejects out-of-range settings", "[distill][config]") {
    auto invalid = [](auto edit) {
        RunConfig c;
        edit(c);
        return c;
    };
    CHECK_NOTHROW(validate(RunConfig{}));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.smoothing = 1.0; })), Catch::Contains("smoothing"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.smoothing = -0.1; })), Catch::Contains("smoothing"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.epochs = 0; })), Catch::Contains("epochs"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.batch = -1; })), Catch::Contains("batch"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.temperature = 0; })), Catch::Contains("temperature"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.beta = 1.5; })), Catch::Contains("beta"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.loss = "kl"; })), Catch::Contains("loss form"));
    CHECK_THROWS_WITH(validate(invalid([](RunConfig& c) { c.schedule = "step"; })), Catch::Contains("schedule"));
}
